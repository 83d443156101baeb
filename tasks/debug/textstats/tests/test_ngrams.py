import pytest
from textstats import ngram_counts, ngrams, top_ngrams


def test_bigrams_of_a_sentence():
    assert ngrams(["a", "b", "c"], 2) == [("a", "b"), ("b", "c")]


def test_unigrams_are_the_tokens():
    assert ngrams(["x", "y"], 1) == [("x",), ("y",)]


def test_an_ngram_longer_than_the_text():
    assert ngrams(["a", "b"], 3) == []


def test_n_must_be_positive():
    with pytest.raises(ValueError):
        ngrams(["a"], 0)


def test_the_most_frequent_bigram():
    text = "The cat sat. The cat ran. The cat slept."
    assert top_ngrams(text, 2, k=1) == [(("the", "cat"), 3)]


def test_bigrams_never_span_sentences():
    counts = ngram_counts("Big dog barks. Dog days.", 2)
    assert ("barks", "dog") not in counts


def test_counts_include_the_last_bigram_of_each_sentence():
    counts = ngram_counts("I like tea. You like tea.", 2)
    assert counts[("like", "tea")] == 2
