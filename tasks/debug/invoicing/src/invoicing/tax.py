"""VAT rates by category, in percent, and the tax on an amount of cents."""

from __future__ import annotations

RATES = {"standard": 20, "reduced": 5, "zero": 0}


def rate_of(category: str) -> int:
    try:
        return RATES[category]
    except KeyError:
        raise ValueError(f"unknown VAT category {category!r}") from None


def tax_cents(net_cents: int, category: str) -> int:
    """The VAT on net_cents, rounded to the nearest cent (half a cent rounds up)."""
    return net_cents * rate_of(category) // 100
