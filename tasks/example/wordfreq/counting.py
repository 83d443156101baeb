"""Counting words and ranking them by frequency."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from typing import TypeVar

W = TypeVar("W", bound=Hashable)


def count_words(words: Iterable[W]) -> dict[W, int]:
    """How often each word occurs, keyed in the order of first appearance.

    Works for any hashable items, so `count_words(bigrams(words))` counts word pairs.
    """
    counts: dict[W, int] = {}
    for word in words:
        if word in counts:
            counts[word] += 1
        else:
            counts[word] = 1
    return counts


def top_words(counts: Mapping[str, int], n: int = 10) -> list[tuple[str, int]]:
    """The n most frequent words with their counts, most frequent first.

    Words with the same count come in alphabetical order, so the ranking never depends on
    the order of `counts`.
    """
    remaining = dict(counts)
    top: list[tuple[str, int]] = []
    while remaining and len(top) < n:
        word = sorted(remaining, key=lambda w: (-remaining[w], w))[0]
        top.append((word, remaining.pop(word)))
    return top
