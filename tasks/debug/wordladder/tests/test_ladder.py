import pytest
from wordladder import NoLadder, build_graph, ladder_length, shortest_ladder

WORDS = ["load", "goad", "gold", "lean", "mead", "bead", "lend"]


def test_a_word_is_its_own_ladder():
    assert shortest_ladder("gold", "gold", WORDS) == ["gold"]


def test_lead_into_gold():
    assert shortest_ladder("lead", "gold", WORDS) == ["lead", "load", "goad", "gold"]


def test_case_does_not_matter():
    assert shortest_ladder("LEAD", "Load", WORDS) == ["lead", "load"]


def test_no_ladder():
    with pytest.raises(NoLadder):
        shortest_ladder("lead", "iron", WORDS)
    assert ladder_length("lead", "iron", WORDS) == 0


def test_words_of_other_lengths_are_never_neighbours():
    graph = build_graph(["cat", "coat", "bat", "cot"])
    assert graph["cat"] == {"bat", "cot"}
    assert graph["coat"] == set()


def test_ladder_length():
    assert ladder_length("mead", "gold", [*WORDS, "lead"]) == 5


def test_hit_to_cog():
    words = ["hot", "dot", "dog", "lot", "log", "cog"]
    assert shortest_ladder("hit", "cog", words) == ["hit", "hot", "dot", "dog", "cog"]


def test_changing_the_last_letter():
    assert shortest_ladder("cat", "cab", []) == ["cat", "cab"]
