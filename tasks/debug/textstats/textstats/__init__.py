from textstats.ngrams import ngram_counts, ngrams, top_ngrams
from textstats.tokens import sentences, tokenize

__all__ = ["ngram_counts", "ngrams", "sentences", "tokenize", "top_ngrams"]
