"""Exact fractions, kept in lowest terms with a positive denominator."""

from __future__ import annotations

from dataclasses import dataclass


def gcd(a: int, b: int) -> int:
    """The greatest common divisor of a and b, by repeated subtraction."""
    a, b = abs(a), abs(b)
    while a != b:
        if a > b:
            a -= b
        else:
            b -= a
    return a


@dataclass(frozen=True)
class Ratio:
    numerator: int
    denominator: int = 1

    def __post_init__(self) -> None:
        if self.denominator == 0:
            raise ZeroDivisionError("a ratio cannot have a zero denominator")
        sign = -1 if self.denominator < 0 else 1
        common = gcd(self.numerator, self.denominator)
        object.__setattr__(self, "numerator", sign * self.numerator // common)
        object.__setattr__(self, "denominator", sign * self.denominator // common)

    @classmethod
    def parse(cls, text: str) -> Ratio:
        top, _, bottom = text.partition("/")
        return cls(int(top), int(bottom or "1"))

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(
            self.numerator * other.denominator + other.numerator * self.denominator,
            self.denominator * other.denominator,
        )

    def __neg__(self) -> Ratio:
        return Ratio(-self.numerator, self.denominator)

    def __sub__(self, other: Ratio) -> Ratio:
        return self + -other

    def __mul__(self, other: Ratio) -> Ratio:
        return Ratio(self.numerator * other.numerator, self.denominator * other.denominator)

    def __lt__(self, other: Ratio) -> bool:
        return self.numerator * other.denominator < other.numerator * self.denominator

    def __float__(self) -> float:
        return self.numerator / self.denominator

    def __str__(self) -> str:
        if self.denominator == 1:
            return str(self.numerator)
        return f"{self.numerator}/{self.denominator}"
