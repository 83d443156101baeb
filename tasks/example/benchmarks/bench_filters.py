from wordfreq import remove_stopwords, unique_words


def test_remove_stopwords(benchmark, corpus_words):
    benchmark(remove_stopwords, corpus_words)


def test_unique_words(benchmark, corpus_words):
    benchmark(unique_words, corpus_words)
