import string

import pytest

from wordfreq import bigrams, ngrams, normalize, tokenize


def test_normalize_lowercases_and_blanks_punctuation():
    assert normalize("Hello, World!") == "hello  world "


def test_normalize_keeps_digits_apostrophes_and_accented_letters():
    assert normalize("Don't pay 42€ at the Café-Bar") == "don't pay 42  at the café bar"


def test_normalize_of_empty_text_is_empty():
    assert normalize("") == ""


def test_normalize_keeps_one_character_per_character_on_the_corpus(corpus_text):
    blank = str.maketrans({ch: " " for ch in string.punctuation.replace("'", "") + "\n—"})
    assert normalize(corpus_text) == corpus_text.lower().translate(blank)


def test_tokenize_folds_case_and_drops_punctuation():
    assert tokenize("The cat -- THE hat; the...CAT?") == ["the", "cat", "the", "hat", "the", "cat"]


def test_tokenize_strips_quotes_but_keeps_inner_apostrophes():
    assert tokenize("'Tis 'quoted', isn't it?") == ["tis", "quoted", "isn't", "it"]


def test_tokenize_of_punctuation_only_is_empty():
    assert tokenize(" ... -- '' !? ") == []


def test_tokenize_finds_every_word_of_the_corpus(corpus_text, corpus_words):
    assert tokenize(corpus_text) == corpus_words


def test_ngrams_slide_one_word_at_a_time():
    words = ["a", "b", "c", "b"]
    assert (bigrams(words), ngrams(words, 3)) == (
        [("a", "b"), ("b", "c"), ("c", "b")],
        [("a", "b", "c"), ("b", "c", "b")],
    )


def test_ngrams_of_fewer_words_than_n_are_empty():
    assert (bigrams([]), bigrams(["solo"]), ngrams(["a", "b"], 3)) == ([], [], [])


def test_ngrams_refuse_n_below_one():
    with pytest.raises(ValueError, match="n=0"):
        ngrams(["a"], 0)


def test_bigrams_and_trigrams_of_the_corpus_match_zip(corpus_words):
    pairs = list(zip(corpus_words, corpus_words[1:]))
    triples = list(zip(corpus_words, corpus_words[1:], corpus_words[2:]))
    assert (bigrams(corpus_words), ngrams(corpus_words, 3)) == (pairs, triples)
