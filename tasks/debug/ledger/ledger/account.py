"""A bank account: postings in cents, kept in day order, with an overdraft limit."""

from __future__ import annotations

from dataclasses import dataclass


class OverdraftError(Exception):
    pass


@dataclass(frozen=True)
class Posting:
    day: int
    description: str
    cents: int


def money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    return f"{sign}{abs(cents) // 100}.{abs(cents) % 100:02d}"


class Ledger:
    def __init__(self, opening_cents: int = 0, overdraft_limit_cents: int = 0) -> None:
        self.opening_cents = opening_cents
        self.overdraft_limit_cents = overdraft_limit_cents
        self.postings: list[Posting] = []

    def post(self, day: int, description: str, cents: int) -> None:
        if self.postings and day < self.postings[-1].day:
            raise ValueError(f"day {day} comes before the last posting")
        if self.balance() + cents < -self.overdraft_limit_cents:
            raise OverdraftError(f"{description}: {money(cents)} would exceed the overdraft")
        self.postings.append(Posting(day, description, cents))

    def balance(self) -> int:
        return self.opening_cents + sum(posting.cents for posting in self.postings)

    def running_balances(self) -> list[tuple[int, int]]:
        """(day, balance after the posting) for every posting, in order."""
        balance = 0
        history = []
        for posting in self.postings:
            balance += posting.cents
            history.append((posting.day, balance))
        return history

    def lowest_balance(self) -> int:
        return min([self.opening_cents, *(balance for _, balance in self.running_balances())])

    def statement(self) -> str:
        lines = [f"{'':>4} {'opening balance':<20} {'':>10} {money(self.opening_cents):>10}"]
        for posting, (_, balance) in zip(self.postings, self.running_balances(), strict=True):
            amount = money(posting.cents)
            lines.append(
                f"{posting.day:>4} {posting.description:<20} {amount:>10} {money(balance):>10}"
            )
        return "\n".join(lines)
