"""Invoice lines and their totals; VAT is worked out per line, then summed."""

from __future__ import annotations

from dataclasses import dataclass

from invoicing.tax import tax_cents


@dataclass(frozen=True)
class Line:
    description: str
    quantity: int
    unit_cents: int
    category: str = "standard"


@dataclass(frozen=True)
class Totals:
    net: int
    tax: int

    @property
    def gross(self) -> int:
        return self.net + self.tax


def line_totals(line: Line) -> Totals:
    if line.quantity <= 0:
        raise ValueError(f"{line.description}: quantity must be positive")
    net = line.quantity * line.unit_cents
    return Totals(net, tax_cents(net, line.category))


def invoice_totals(lines: list[Line]) -> Totals:
    net = tax = 0
    for line in lines:
        totals = line_totals(line)
        net += totals.net
        tax += totals.tax
    return Totals(net, tax)
