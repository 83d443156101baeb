from wordfreq import ngrams, normalize


def test_normalize(benchmark, bench_text):
    benchmark(normalize, bench_text)


def test_ngrams(benchmark, bench_words):
    benchmark(ngrams, bench_words, 3)
