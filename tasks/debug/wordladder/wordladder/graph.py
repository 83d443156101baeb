"""The graph of words one letter apart, built by bucketing words by wildcard patterns."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


def patterns(word: str) -> list[str]:
    """The word with each of its letters in turn replaced by '_': 'cat' -> '_at', 'c_t', 'ca_'."""
    return [word[:i] + "_" + word[i + 1 :] for i in range(len(word) - 1)]


def build_graph(words: Iterable[str]) -> dict[str, set[str]]:
    """Each word's neighbours: the words of the same length that differ in one letter."""
    buckets: dict[str, list[str]] = defaultdict(list)
    unique = sorted({word.lower() for word in words})
    for word in unique:
        for pattern in patterns(word):
            buckets[pattern].append(word)
    graph: dict[str, set[str]] = {word: set() for word in unique}
    for group in buckets.values():
        for word in group:
            graph[word].update(other for other in group if other != word)
    return graph
