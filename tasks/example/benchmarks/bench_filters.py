from wordfreq import remove_stopwords, unique_words


def test_remove_stopwords(benchmark, bench_words):
    benchmark(remove_stopwords, bench_words)


def test_unique_words(benchmark, bench_words):
    benchmark(unique_words, bench_words)
