import pytest
from numerals import from_roman, to_roman


def test_to_roman():
    assert [to_roman(n) for n in (1, 4, 9, 14, 40, 90, 400, 1994, 3999)] == [
        "I", "IV", "IX", "XIV", "XL", "XC", "CD", "MCMXCIV", "MMMCMXCIX",
    ]  # fmt: skip


def test_numbers_out_of_range():
    for number in (0, -1, 4000):
        with pytest.raises(ValueError):
            to_roman(number)


def test_from_roman():
    assert [from_roman(s) for s in ("III", "IV", "XLII", "MCMXCIV", "MMXXIV")] == [
        3, 4, 42, 1994, 2024,
    ]  # fmt: skip


def test_every_numeral_round_trips():
    for number in range(1, 4000):
        assert from_roman(to_roman(number)) == number


def test_non_canonical_numerals_are_rejected():
    for text in ("IIII", "VV", "IC", "MCMC"):
        with pytest.raises(ValueError):
            from_roman(text)


def test_bad_digits_and_empty_numerals():
    for text in ("", "  ", "XIIZ"):
        with pytest.raises(ValueError):
            from_roman(text)


def test_lower_case_numerals():
    assert from_roman("xiv") == 14
    assert from_roman("mmxxiv") == 2024


def test_spaces_around_a_numeral():
    assert from_roman("  XC ") == 90
