"""Edit distance (insertions, deletions and substitutions, each costing 1) and its uses."""

from __future__ import annotations

from collections.abc import Iterable


def distance(a: str, b: str) -> int:
    """The Levenshtein distance, one row of the table at a time."""
    if len(a) < len(b):
        a, b = b, a  # the row is as long as the shorter string
    previous = [0] * (len(b) + 1)
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(
                    previous[j] + 1,  # delete char_a
                    current[j - 1] + 1,  # insert char_b
                    previous[j - 1] + (char_a != char_b),  # substitute
                )
            )
        previous = current
    return previous[-1]


def similarity(a: str, b: str) -> float:
    """1.0 for equal strings, 0.0 for strings with nothing in common."""
    if not a and not b:
        return 1.0
    return 1 - distance(a, b) / max(len(a), len(b))


def closest(word: str, candidates: Iterable[str]) -> str:
    """The nearest candidate; ties go to the alphabetically first."""
    return min(candidates, key=lambda candidate: (distance(word, candidate), candidate))


def suggest(word: str, vocabulary: Iterable[str], max_distance: int = 2) -> list[str]:
    """Words within max_distance edits, nearest first."""
    scored = sorted((distance(word, w), w) for w in vocabulary)
    return [w for d, w in scored if d <= max_distance]
