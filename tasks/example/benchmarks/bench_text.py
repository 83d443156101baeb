from wordfreq import ngrams, normalize


def test_normalize(benchmark, corpus_text):
    benchmark(normalize, corpus_text)


def test_ngrams(benchmark, corpus_words):
    benchmark(ngrams, corpus_words, 3)
