from collections import Counter

from wordfreq import count_words, top_words


def test_count_words(benchmark, corpus_words):
    benchmark(count_words, corpus_words)


def test_top_words(benchmark, corpus_words):
    benchmark(top_words, Counter(corpus_words), 20)
