"""Amounts of money held as whole cents, so that sums never drift."""

from __future__ import annotations

from dataclasses import dataclass


def round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded to the nearest integer, halves away from zero."""
    quotient, remainder = divmod(abs(numerator), denominator)
    if remainder * 2 > denominator:
        quotient += 1
    return quotient if numerator >= 0 else -quotient


@dataclass(frozen=True, order=True)
class Money:
    cents: int
    currency: str = "EUR"

    @classmethod
    def parse(cls, text: str, currency: str = "EUR") -> Money:
        """'12.5' -> 1250 cents; at most two decimals."""
        text = text.strip()
        sign = -1 if text.startswith("-") else 1
        whole, _, frac = text.lstrip("-").partition(".")
        if len(frac) > 2 or not (whole or frac):
            raise ValueError(f"not an amount: {text!r}")
        return cls(sign * (int(whole or "0") * 100 + int((frac + "00")[:2])), currency)

    def _same_currency(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.cents + other.cents, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same_currency(other)
        return Money(self.cents - other.cents, self.currency)

    def percent(self, rate: int) -> Money:
        """rate percent of this amount, rounded to a whole cent (half a cent rounds up)."""
        return Money(round_half_up(self.cents * rate, 100), self.currency)

    def allocate(self, ratios: list[int]) -> list[Money]:
        """Split into parts proportional to ratios; leftover cents go to the first parts."""
        if not ratios or min(ratios) < 0 or sum(ratios) == 0:
            raise ValueError("ratios must be non-negative and not all zero")
        total = sum(ratios)
        shares = [self.cents * ratio // total for ratio in ratios]
        for i in range(self.cents - sum(shares)):
            shares[i] += 1
        return [Money(share, self.currency) for share in shares]

    def __str__(self) -> str:
        sign = "-" if self.cents < 0 else ""
        whole, frac = divmod(abs(self.cents), 100)
        return f"{sign}{whole}.{frac:02d} {self.currency}"
