import pytest
from moneybag import Money


def test_parse_and_print():
    assert str(Money.parse("12.5")) == "12.50 EUR"
    assert Money.parse("-0.07").cents == -7
    assert Money.parse("3").cents == 300


def test_parse_rejects_three_decimals():
    with pytest.raises(ValueError):
        Money.parse("1.005")


def test_add_and_subtract():
    total = Money.parse("10.00") + Money.parse("2.35") - Money.parse("0.40")
    assert total == Money(1195)


def test_currencies_do_not_mix():
    with pytest.raises(ValueError, match="cannot mix"):
        Money(100, "EUR") + Money(100, "USD")


def test_percent_rounds_up_above_half_a_cent():
    # 19% of 12.99 is 2.4681
    assert Money.parse("12.99").percent(19) == Money(247)


def test_percent_rounds_down_below_half_a_cent():
    # 19% of 12.34 is 2.3446
    assert Money.parse("12.34").percent(19) == Money(234)


def test_percent_of_a_whole_amount():
    assert Money(5000).percent(20) == Money(1000)


def test_half_a_cent_rounds_up():
    # 21% of 2.50 is 0.525
    assert Money.parse("2.50").percent(21) == Money(53)


def test_negative_half_a_cent_rounds_away_from_zero():
    assert Money.parse("-2.50").percent(21) == Money(-53)


def test_allocate_gives_leftover_cents_to_the_first_parts():
    assert Money(100).allocate([1, 1, 1]) == [Money(34), Money(33), Money(33)]


def test_allocate_keeps_the_total():
    parts = Money(1001).allocate([3, 7])
    assert sum(part.cents for part in parts) == 1001
