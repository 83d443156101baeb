from collections import Counter

from wordfreq import bigrams, count_words, top_words


def test_count_words_counts_each_word():
    assert count_words(["b", "a", "b", "c", "b"]) == {"b": 3, "a": 1, "c": 1}


def test_count_words_keys_follow_first_appearance():
    assert list(count_words(["pear", "fig", "apple", "fig", "pear"])) == ["pear", "fig", "apple"]


def test_count_words_of_nothing_is_empty():
    assert count_words([]) == {}


def test_count_words_of_the_corpus_match_counter(corpus_words):
    assert count_words(corpus_words) == Counter(corpus_words)


def test_count_words_of_a_corpus_read_three_times_triples(corpus_words):
    tripled = {word: 3 * n for word, n in Counter(corpus_words).items()}
    assert count_words(corpus_words * 3) == tripled


def test_count_words_counts_bigrams_of_the_corpus(corpus_words):
    pairs = list(zip(corpus_words, corpus_words[1:]))
    assert count_words(bigrams(corpus_words)) == Counter(pairs)


def test_top_words_breaks_ties_alphabetically_not_by_insertion():
    counts = {"pear": 2, "apple": 3, "fig": 2, "kiwi": 1, "date": 2}
    assert top_words(counts, 3) == [("apple", 3), ("date", 2), ("fig", 2)]


def test_top_words_returns_everything_when_n_exceeds_the_vocabulary():
    assert top_words({"b": 1, "a": 1, "c": 5}, 10) == [("c", 5), ("a", 1), ("b", 1)]


def test_top_words_of_nothing_or_zero_is_empty():
    assert (top_words({}, 5), top_words({"a": 1}, 0)) == ([], [])


def test_top_words_leaves_the_counts_alone():
    counts = {"a": 2, "b": 1}
    top_words(counts, 1)
    assert counts == {"a": 2, "b": 1}


def test_top_words_of_the_corpus_match_a_full_sort(corpus_words):
    counts = Counter(corpus_words)
    expected = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:50]
    assert top_words(counts, 50) == expected
