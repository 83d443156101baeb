"""Intervals (start, end) on the integer line: merge them, measure them, find the gaps."""

from __future__ import annotations

from itertools import pairwise

Interval = tuple[int, int]


def checked(intervals: list[Interval]) -> list[Interval]:
    """The intervals sorted by start; an interval that ends before it starts is an error."""
    for start, end in intervals:
        if start > end:
            raise ValueError(f"interval ({start}, {end}) ends before it starts")
    return sorted(intervals)


def merge(intervals: list[Interval]) -> list[Interval]:
    """Merge overlapping or touching intervals into a sorted list of disjoint ones."""
    merged: list[Interval] = []
    for start, end in checked(intervals):
        if merged and start < merged[-1][1]:
            first, last = merged[-1]
            merged[-1] = (first, max(last, end))
        else:
            merged.append((start, end))
    return merged


def total_length(intervals: list[Interval]) -> int:
    """How much of the line the intervals cover, overlaps counted once."""
    return sum(end - start for start, end in merge(intervals))


def gaps(intervals: list[Interval]) -> list[Interval]:
    """The uncovered stretches between the first start and the last end."""
    return [(left[1], right[0]) for left, right in pairwise(merge(intervals))]


def covers(intervals: list[Interval], point: int) -> bool:
    return any(start <= point <= end for start, end in merge(intervals))
