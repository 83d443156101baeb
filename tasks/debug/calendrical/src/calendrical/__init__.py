from calendrical.days import (
    add_days,
    day_of_year,
    days_between,
    days_in_month,
    from_ordinal,
    is_leap,
    to_ordinal,
    weekday,
)

__all__ = [
    "add_days",
    "day_of_year",
    "days_between",
    "days_in_month",
    "from_ordinal",
    "is_leap",
    "to_ordinal",
    "weekday",
]
