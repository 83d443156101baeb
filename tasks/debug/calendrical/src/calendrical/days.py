"""Dates as (year, month, day) in the proleptic Gregorian calendar; day 1 is 0001-01-01."""

from __future__ import annotations

Date = tuple[int, int, int]

MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def is_leap(year: int) -> bool:
    return year % 4 == 0 and year % 100 != 0


def days_in_month(year: int, month: int) -> int:
    if not 1 <= month <= 12:
        raise ValueError(f"no month {month}")
    if month == 2 and is_leap(year):
        return 29
    return MONTH_DAYS[month - 1]


def check(year: int, month: int, day: int) -> None:
    if year < 1 or not 1 <= day <= days_in_month(year, month):
        raise ValueError(f"no such date: {year:04d}-{month:02d}-{day:02d}")


def day_of_year(year: int, month: int, day: int) -> int:
    check(year, month, day)
    return sum(days_in_month(year, m) for m in range(1, month)) + day


def to_ordinal(year: int, month: int, day: int) -> int:
    """Days since 0001-01-01, which is day 1."""
    before = year - 1
    leap_days = before // 4 - before // 100 + before // 400
    return before * 365 + leap_days + day_of_year(year, month, day)


def from_ordinal(ordinal: int) -> Date:
    if ordinal < 1:
        raise ValueError(f"no date has ordinal {ordinal}")
    year = ordinal // 366 + 1
    while to_ordinal(year + 1, 1, 1) <= ordinal:
        year += 1
    day = ordinal - to_ordinal(year, 1, 1) + 1
    month = 1
    while day > days_in_month(year, month):
        day -= days_in_month(year, month)
        month += 1
    return year, month, day


def add_days(date: Date, days: int) -> Date:
    return from_ordinal(to_ordinal(*date) + days)


def days_between(start: Date, end: Date) -> int:
    return to_ordinal(*end) - to_ordinal(*start)


def weekday(date: Date) -> str:
    return WEEKDAYS[(to_ordinal(*date) - 1) % 7]
