from collections import Counter

from wordfreq import bigrams, format_report


def test_format_report(benchmark, bench_words):
    pairs = Counter(" ".join(pair) for pair in bigrams(bench_words))
    benchmark(format_report, pairs, "Bigrams", ["the ", "ka", "lo", "mi"])
