"""literal-membership-to-set: before/after pairs, the limits, behaviour, and the planted example."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.rules.literal_membership_to_set import LiteralMembershipToSet
from tests.rules.support import (
    PROPERTY,
    assert_not_fired,
    assert_rewrites,
    example,
    run_rule,
    same_behaviour,
)

RULE = LiteralMembershipToSet()


def test_words_of_a_split_str_are_tested_against_a_frozenset() -> None:
    before = """
        def count(text: str) -> int:
            n = 0
            for word in text.lower().split():
                if word in ["a", "an", "the"]:
                    n += 1
            return n
        """
    after = """
        _RATCHET_COUNT_1 = frozenset({"a", "an", "the"})


        def count(text: str) -> int:
            n = 0
            for word in text.lower().split():
                if word in _RATCHET_COUNT_1:
                    n += 1
            return n
        """
    assert_rewrites(RULE, before, after)


def test_comprehension_over_annotated_items_and_a_repeated_literal_share_one_helper() -> None:
    before = """
        def keep(words: list[str]):
            return [w for w in words if w not in ("x", "y") and w.upper() not in ("x", "y")]
        """
    after = """
        _RATCHET_KEEP_1 = frozenset({"x", "y"})


        def keep(words: list[str]):
            return [w for w in words if w not in _RATCHET_KEEP_1 and w.upper() not in _RATCHET_KEEP_1]
        """
    assert_rewrites(RULE, before, after)


def test_ints_from_range_and_len_and_a_taken_helper_name() -> None:
    before = """
        def f(n, items):
            hits = 0
            for i in range(n):
                hits += i in [1, -2, True] or len(items) in (0, 1.5)
            return hits
        _RATCHET_F_1 = None
        """
    rewrite = run_rule(RULE, before)
    assert rewrite is not None
    assert rewrite.helpers == (
        "_RATCHET_F_2 = frozenset({1, -2, True})",
        "_RATCHET_F_3 = frozenset({0, 1.5})",
    )


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("def f(word: str):\n    return word in ['a', 'b']\n", id="not-in-a-loop"),
        pytest.param("def f(words):\n    return [w for w in words if w in ['a', 'b']]\n", id="items-of-unknown-type"),
        pytest.param("def f(words):\n    return [w for w in words if w.lower() in [b'a']]\n", id="method-on-unknown-receiver"),
        pytest.param("def f(words: list[str], b):\n    return [w for w in words if w in ['a', b]]\n", id="non-constant-element"),
        pytest.param("def f(words: list[str]):\n    return [w for w in words if [w] in [['a']]]\n", id="unhashable-operand"),
        pytest.param("str = bytes\ndef f(words: list[str]):\n    return [w for w in words if w in ['a']]\n", id="annotation-name-shadowed"),
        pytest.param("def f(text: str = None):\n    return [c for c in text if c in ['a']]\n", id="default-contradicts-annotation"),
        pytest.param("def f(words: list[str]):\n    return list(map(lambda w: w in ['a'], words))\n", id="inside-a-lambda"),
        pytest.param("def f(word: str, rows):\n    return [word for word in rows if word in ['a']]\n", id="comprehension-variable-shadows"),
        pytest.param("def f(words: list[str]):\n    for w in words:\n        w = w or None\n        if w in ['a']:\n            return w\n", id="rebound-name"),
    ],
)  # fmt: skip
def test_does_not_fire(source: str) -> None:
    assert_not_fired(RULE, source)


WORDS = """
def f(text: str):
    return [w for w in text.split() if w in ["a", "bb", "1", "True", "None"]]
"""

NUMBERS = """
def f(n: int, flags: list[bool]):
    hits = [i for i in range(n) if i in [True, 2, 3.0, -1]]
    return hits, [b for b in flags if b not in (1, 0.0)]
"""


@PROPERTY
@given(st.text(alphabet="ab1TrueNon \n", max_size=20))
def test_word_membership_behaves_the_same(text: str) -> None:
    assert same_behaviour(RULE, WORDS, "f", text)


@PROPERTY
@given(st.integers(-2, 6), st.lists(st.booleans(), max_size=4))
def test_true_and_one_and_floats_compare_as_in_a_list(n: int, flags: list[bool]) -> None:
    assert same_behaviour(RULE, NUMBERS, "f", n, flags)


def test_fires_on_the_planted_remove_stopwords() -> None:
    rewrite = run_rule(RULE, example("filters.py", "remove_stopwords"))
    assert rewrite is not None
    assert "        if word not in _RATCHET_REMOVE_STOPWORDS_1:  # fmt: skip" in rewrite.source()
    assert rewrite.helpers[0].startswith(
        '_RATCHET_REMOVE_STOPWORDS_1 = frozenset(\n    {\n        "a",'
    )


@PROPERTY
@given(st.lists(st.sampled_from(["the", "cat", "The", "and", "i", "I", "theory", ""])))
def test_planted_remove_stopwords_behaves_the_same(words: list[str]) -> None:
    source = example("filters.py", "remove_stopwords")
    assert same_behaviour(RULE, source, "remove_stopwords", words)


def test_annotated_locals_and_declared_attributes_have_kinds() -> None:
    before = """
        class Lexer:
            text: str

            def count(self) -> int:
                words: list[str] = self.text.split()
                n = 0
                for w in words:
                    if w in ("if", "else"):
                        n += 1
                return n + len([c for c in self.text if c in ["{", "}"]])
        """
    after = """
        _RATCHET_COUNT_1 = frozenset({"if", "else"})
        _RATCHET_COUNT_2 = frozenset({"{", "}"})


        def count(self) -> int:
            words: list[str] = self.text.split()
            n = 0
            for w in words:
                if w in _RATCHET_COUNT_1:
                    n += 1
            return n + len([c for c in self.text if c in _RATCHET_COUNT_2])
        """
    assert_rewrites(RULE, before, after)


@pytest.mark.parametrize(
    "source",
    [
        "class C:\n    text: list\n    def f(self):\n        return [c for c in self.text if c in ['a']]\n",
        "class C:\n    text: str\n    def f(this, self):\n        return [c for c in self.text if c in ['a']]\n",
        "class C:\n    text: str\n    def f(self):\n        return [c for c in self.other if c in ['a']]\n",
        "class C:\n    text: str\n    def f(self):\n        return [c for self in [0] for c in self.text if c in ['a']]\n",
        "def f(text):\n    words: list[str] = text.split()\n    return [w for w in words if w in ['a']]\n",
    ],
)
def test_undeclared_or_shadowed_attributes_have_no_kind(source: str) -> None:
    assert_not_fired(RULE, source)
