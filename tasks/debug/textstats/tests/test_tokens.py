from textstats import sentences, tokenize


def test_tokens_are_lower_case_words():
    assert tokenize("The Cat, the HAT!") == ["the", "cat", "the", "hat"]


def test_apostrophes_inside_words_are_kept():
    assert tokenize("Don't 'quote' me") == ["don't", "quote", "me"]


def test_sentences():
    assert sentences("One. Two!  Three?? ") == ["One", "Two", "Three"]
