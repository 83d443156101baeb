"""Binary search over a list sorted in ascending order."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def insertion_point(items: Sequence[Any], target: Any, after_equal: bool = False) -> int:
    """Where target would go to keep items sorted: before equal items, or after them."""
    lo, hi = 0, len(items)
    while lo < hi:
        mid = (lo + hi) // 2
        if items[mid] < target or (after_equal and items[mid] == target):
            lo = mid + 1
        else:
            hi = mid
    return lo


def find(items: Sequence[Any], target: Any) -> int:
    """The index of an item equal to target, or -1 if there is none."""
    lo, hi = 0, len(items)
    while lo < hi:
        mid = (lo + hi) // 2
        if items[mid] == target:
            return mid
        if items[mid] < target:
            lo = mid + 1
        else:
            hi = mid
    return lo


def count_between(items: Sequence[Any], low: Any, high: Any) -> int:
    """How many items lie in [low, high]."""
    return insertion_point(items, high, after_equal=True) - insertion_point(items, low)
