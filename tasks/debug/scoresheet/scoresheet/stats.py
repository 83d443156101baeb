"""Statistics of test scores, kept in the order the tests were taken."""

from __future__ import annotations

from collections import Counter


def mean(scores: list[float]) -> float:
    if not scores:
        raise ValueError("no scores")
    return sum(scores) / len(scores)


def median(scores: list[float]) -> float:
    if not scores:
        raise ValueError("no scores")
    scores.sort()
    middle = len(scores) // 2
    if len(scores) % 2:
        return scores[middle]
    return (scores[middle - 1] + scores[middle]) / 2


def modes(scores: list[float]) -> list[float]:
    """The most common scores, smallest first."""
    counts = Counter(scores)
    top = max(counts.values(), default=0)
    return sorted(score for score, count in counts.items() if count == top)


def progress(scores: list[float]) -> float:
    """How much the last score improved on the first."""
    if not scores:
        raise ValueError("no scores")
    return scores[-1] - scores[0]


def report(scores: list[float]) -> dict[str, float | int | list[float]]:
    return {
        "tests": len(scores),
        "mean": round(mean(scores), 1),
        "median": median(scores),
        "modes": modes(scores),
        "progress": progress(scores),
        "latest": scores[-1],
    }
