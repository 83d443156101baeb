from invoicing.lines import Line, Totals, invoice_totals, line_totals
from invoicing.render import render
from invoicing.tax import RATES, tax_cents

__all__ = ["RATES", "Line", "Totals", "invoice_totals", "line_totals", "render", "tax_cents"]
