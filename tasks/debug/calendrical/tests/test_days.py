import pytest
from calendrical import (
    add_days,
    day_of_year,
    days_between,
    days_in_month,
    from_ordinal,
    is_leap,
    to_ordinal,
    weekday,
)


def test_every_fourth_year_is_a_leap_year():
    assert [is_leap(y) for y in (2023, 2024, 1996, 1999)] == [False, True, True, False]


def test_centuries_are_not_leap_years():
    assert not is_leap(1900)
    assert not is_leap(2100)


def test_every_fourth_century_is_a_leap_year():
    assert is_leap(2000)
    assert is_leap(1600)


def test_february_2000_has_29_days():
    assert days_in_month(2000, 2) == 29
    assert day_of_year(2000, 12, 31) == 366


def test_month_lengths():
    assert [days_in_month(2023, m) for m in (1, 2, 4, 12)] == [31, 28, 30, 31]
    assert days_in_month(2024, 2) == 29


def test_day_of_year():
    assert day_of_year(2023, 3, 1) == 60
    assert day_of_year(2024, 3, 1) == 61


def test_dates_that_do_not_exist():
    for date in [(2023, 2, 29), (2023, 4, 31), (2023, 13, 1), (0, 1, 1)]:
        with pytest.raises(ValueError):
            day_of_year(*date)


def test_ordinals():
    assert to_ordinal(1, 1, 1) == 1
    assert from_ordinal(to_ordinal(2024, 2, 29)) == (2024, 2, 29)


def test_adding_days_crosses_months_and_years():
    assert add_days((2023, 1, 31), 1) == (2023, 2, 1)
    assert add_days((2024, 2, 28), 2) == (2024, 3, 1)
    assert add_days((2023, 12, 31), 1) == (2024, 1, 1)
    assert add_days((2024, 3, 1), -1) == (2024, 2, 29)


def test_days_between():
    assert days_between((2024, 1, 1), (2025, 1, 1)) == 366
    assert days_between((2023, 6, 15), (2023, 6, 1)) == -14


def test_weekdays():
    assert weekday((2024, 1, 1)) == "Monday"
    assert weekday((1969, 7, 20)) == "Sunday"
