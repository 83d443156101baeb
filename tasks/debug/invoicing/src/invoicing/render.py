"""An invoice as plain text, one row per line and the totals at the bottom."""

from __future__ import annotations

from invoicing.lines import Line, invoice_totals, line_totals


def euros(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def render(number: str, customer: str, lines: list[Line]) -> str:
    rows = [f"Invoice {number}", f"To: {customer}", ""]
    for line in lines:
        totals = line_totals(line)
        rows.append(
            f"{line.quantity:>3} x {line.description:<20} {euros(totals.net):>9}"
            f" + VAT {euros(totals.tax):>7}"
        )
    totals = invoice_totals(lines)
    rows += [
        "",
        f"{'Net':<28} {euros(totals.net):>9}",
        f"{'VAT':<28} {euros(totals.tax):>9}",
        f"{'Total':<28} {euros(totals.gross):>9}",
    ]
    return "\n".join(rows)
