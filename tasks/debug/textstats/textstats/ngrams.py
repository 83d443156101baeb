"""N-grams of tokens, counted within sentences (an n-gram never spans two sentences)."""

from __future__ import annotations

from collections import Counter

from textstats.tokens import sentences, tokenize

Gram = tuple[str, ...]


def ngrams(tokens: list[str], n: int) -> list[Gram]:
    """Every run of n consecutive tokens, in order."""
    if n < 1:
        raise ValueError("n must be at least 1")
    return [tuple(tokens[i : i + n]) for i in range(len(tokens) - n)]


def ngram_counts(text: str, n: int) -> Counter[Gram]:
    counts: Counter[Gram] = Counter()
    for sentence in sentences(text):
        counts.update(ngrams(tokenize(sentence), n))
    return counts


def top_ngrams(text: str, n: int, k: int = 3) -> list[tuple[Gram, int]]:
    """The k most frequent n-grams, ties in alphabetical order."""
    counts = ngram_counts(text, n)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:k]
