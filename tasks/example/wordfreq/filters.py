"""Dropping words: common function words, and repeats."""

from __future__ import annotations

from collections.abc import Iterable


def remove_stopwords(words: Iterable[str]) -> list[str]:
    """The words that are not common English function words, in order.

    Expects lower-case words, as `tokenize` returns them: "The" is kept, "the" is not.
    """
    kept = []
    for word in words:
        if word not in [
            "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any",
            "are", "as", "at", "be", "because", "been", "before", "being", "below", "between",
            "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during",
            "each", "few", "for", "from", "further", "had", "has", "have", "having", "he",
            "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in",
            "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself",
            "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our",
            "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some",
            "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then",
            "there", "these", "they", "this", "those", "through", "to", "too", "under", "until",
            "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who",
            "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself",
            "yourselves",
        ]:  # fmt: skip
            kept.append(word)
    return kept


def unique_words(words: Iterable[str]) -> list[str]:
    """Each distinct word once, in the order of its first appearance."""
    seen = []
    for word in words:
        if word not in seen:
            seen.append(word)
    return seen
