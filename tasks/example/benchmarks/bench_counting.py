from collections import Counter

from wordfreq import count_words, top_words


def test_count_words(benchmark, bench_words):
    benchmark(count_words, bench_words)


def test_top_words(benchmark, bench_words):
    benchmark(top_words, Counter(bench_words), 20)
