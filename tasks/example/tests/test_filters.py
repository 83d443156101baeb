from wordfreq import remove_stopwords, unique_words


def test_remove_stopwords_keeps_other_words_in_order_with_repeats():
    words = ["the", "cat", "and", "the", "hat", "cat", "of", "it"]
    assert remove_stopwords(words) == ["cat", "hat", "cat"]


def test_remove_stopwords_expects_lower_case_words():
    assert remove_stopwords(["The", "the", "AND", "and"]) == ["The", "AND"]


def test_remove_stopwords_keeps_words_that_merely_contain_a_stopword():
    words = ["theory", "it's", "andante", "i", "I"]
    assert remove_stopwords(words) == ["theory", "it's", "andante", "I"]


def test_remove_stopwords_removes_exactly_the_stopwords_of_the_corpus(corpus_words, stopwords):
    expected = [w for w in corpus_words if w not in stopwords]
    assert remove_stopwords(iter(corpus_words)) == expected


def test_unique_words_keeps_first_appearance_order():
    assert unique_words(["b", "a", "b", "c", "a", "b"]) == ["b", "a", "c"]


def test_unique_words_is_case_sensitive():
    assert unique_words(["Word", "word", "WORD", "word"]) == ["Word", "word", "WORD"]


def test_filters_of_nothing_are_empty():
    assert (remove_stopwords([]), unique_words([])) == ([], [])


def test_unique_words_of_the_corpus_in_first_appearance_order(corpus_words):
    assert unique_words(corpus_words) == list(dict.fromkeys(corpus_words))


def test_unique_words_leaves_its_input_alone():
    words = ["x", "y", "x"]
    unique_words(words)
    assert words == ["x", "y", "x"]
