import pytest
from invoicing import Line, render


def total_line(text):
    return text.splitlines()[-1].split()


def test_the_header():
    text = render("2024-001", "Acme Ltd", [Line("consulting", 1, 10_000)])
    assert text.splitlines()[:2] == ["Invoice 2024-001", "To: Acme Ltd"]


def test_a_standard_rate_invoice():
    text = render("1", "A", [Line("widget", 2, 1_000)])
    assert total_line(text) == ["Total", "24.00"]


def test_a_row_per_line():
    text = render("1", "A", [Line("widget", 2, 1_000), Line("book", 1, 1_500, "zero")])
    assert text.splitlines()[3].split() == ["2", "x", "widget", "20.00", "+", "VAT", "4.00"]
    assert text.splitlines()[4].split() == ["1", "x", "book", "15.00", "+", "VAT", "0.00"]


def test_an_empty_invoice():
    assert total_line(render("1", "A", [])) == ["Total", "0.00"]


def test_an_unknown_category():
    with pytest.raises(ValueError, match="luxury"):
        render("1", "A", [Line("yacht", 1, 100, "luxury")])


def test_a_quantity_must_be_positive():
    with pytest.raises(ValueError):
        render("1", "A", [Line("nothing", 0, 100)])


def test_vat_is_rounded_to_the_nearest_cent():
    text = render("7", "B", [Line("lamp", 1, 1_999)])
    assert text.splitlines()[-2].split() == ["VAT", "4.00"]
    assert total_line(text) == ["Total", "23.99"]


def test_a_reduced_rate_invoice():
    text = render("8", "C", [Line("children's book", 3, 333, "reduced"), Line("toy", 1, 500)])
    assert total_line(text) == ["Total", "16.49"]
