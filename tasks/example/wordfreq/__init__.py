"""Count the words of a text.

The pipeline, one module per step:

    text.tokenize -> filters.remove_stopwords -> counting.count_words
        -> counting.top_words -> report.format_report

`report.summarize` runs all of it on a string.
"""

from wordfreq.counting import count_words, top_words
from wordfreq.filters import remove_stopwords, unique_words
from wordfreq.report import format_report, summarize
from wordfreq.text import bigrams, ngrams, normalize, tokenize

__all__ = [
    "bigrams",
    "count_words",
    "format_report",
    "ngrams",
    "normalize",
    "remove_stopwords",
    "summarize",
    "tokenize",
    "top_words",
    "unique_words",
]
__version__ = "0.1.0"
