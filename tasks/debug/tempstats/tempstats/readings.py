"""Summaries of daily temperature readings, in degrees Celsius."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise


@dataclass(frozen=True)
class Summary:
    days: int
    low: float
    high: float
    mean: float
    spread: float
    longest_warming: int


def extremes(readings: list[float]) -> tuple[float, float]:
    """The lowest and the highest reading."""
    if not readings:
        raise ValueError("no readings")
    low = float("inf")
    high = 0.0
    for value in readings:
        low = min(low, value)
        high = max(high, value)
    return low, high


def mean(readings: list[float]) -> float:
    if not readings:
        raise ValueError("no readings")
    return round(sum(readings) / len(readings), 1)


def longest_warming(readings: list[float]) -> int:
    """The most days in a row on which it was warmer than the day before (0 if never)."""
    longest = current = 0
    for before, after in pairwise(readings):
        current = current + 1 if after > before else 0
        longest = max(longest, current)
    return longest


def summarize(readings: list[float]) -> Summary:
    low, high = extremes(readings)
    return Summary(
        days=len(readings),
        low=low,
        high=high,
        mean=mean(readings),
        spread=round(high - low, 1),
        longest_warming=longest_warming(readings),
    )
