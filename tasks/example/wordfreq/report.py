"""Rendering counts as a plain-text table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from wordfreq.counting import count_words, top_words
from wordfreq.filters import remove_stopwords
from wordfreq.text import tokenize


def format_report(
    counts: Mapping[str, int],
    title: str = "Word frequencies",
    highlight: Sequence[str] = (),
) -> str:
    """One line per word, in the order of counts: a marker, the word, its count.

    The marker is "*" for words that start with one of the highlight prefixes, else a space.
    """
    width = max((len(word) for word in counts), default=0)
    report = title + "\n" + "=" * len(title) + "\n"
    for word in counts.keys():
        marker = "*" if any([word.startswith(prefix) for prefix in highlight]) else " "
        report += f"{marker} {word.ljust(width)} {counts[word]:>6}\n"
    return report


def summarize(text: str, n: int = 10, highlight: Sequence[str] = ()) -> str:
    """A report of the n most frequent words of text that are not stopwords."""
    counts = count_words(remove_stopwords(tokenize(text)))
    return format_report(dict(top_words(counts, n)), f"Top {n} words", highlight)
