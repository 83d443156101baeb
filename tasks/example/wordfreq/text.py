"""From raw text to words and pairs of neighbouring words."""

from __future__ import annotations

from collections.abc import Sequence


def normalize(text: str) -> str:
    """Lower-case text; every character but a letter, digit or apostrophe becomes a space."""
    result = ""
    for ch in text.lower():
        if ch.isalnum() or ch == "'":
            result += ch
        else:
            result += " "
    return result


def tokenize(text: str) -> list[str]:
    """The lower-case words of text, in order.

    Apostrophes inside a word stay ("don't"); quotes around a word go ("'tis" -> "tis").
    """
    stripped = (raw.strip("'") for raw in normalize(text).split())
    return [word for word in stripped if word]


def ngrams(words: Sequence[str], n: int) -> list[tuple[str, ...]]:
    """Each run of n neighbouring words, in order: k words give k - n + 1 runs, or none."""
    if n < 1:
        raise ValueError(f"n-grams need n of at least 1, got n={n}")
    grams = []
    for i in range(len(words) - n + 1):
        grams.append(tuple(words[i : i + n]))
    return grams


def bigrams(words: Sequence[str]) -> list[tuple[str, ...]]:
    """Each pair of neighbouring words, in order."""
    return ngrams(words, 2)
