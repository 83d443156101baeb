from editdist import closest, distance, similarity, suggest


def test_equal_strings():
    assert distance("banana", "banana") == 0


def test_against_the_empty_string():
    assert distance("", "abc") == 3
    assert distance("abc", "") == 3


def test_kitten_and_sitting():
    assert distance("kitten", "sitting") == 3


def test_one_edit_of_each_kind():
    assert distance("cat", "cut") == 1
    assert distance("cats", "cat") == 1
    assert distance("abc", "xabc") == 1


def test_similarity():
    assert similarity("", "") == 1.0
    assert similarity("abcd", "abce") == 0.75


def test_closest():
    assert closest("appel", ["apple", "apply", "ample"]) == "apple"


def test_swapped_letters_take_two_edits():
    assert distance("ab", "ba") == 2


def test_a_shifted_word():
    assert distance("abcd", "xabc") == 2


def test_suggestions_are_near_and_sorted():
    assert suggest("form", ["from", "farm", "fork", "forms", "storm"], max_distance=1) == [
        "farm",
        "fork",
        "forms",
    ]
