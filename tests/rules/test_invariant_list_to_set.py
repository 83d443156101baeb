"""invariant-list-to-set: before/after pairs, the limits, behaviour, and the planted example."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.rules.invariant_list_to_set import InvariantListToSet
from tests.rules.support import (
    PROPERTY,
    assert_not_fired,
    assert_rewrites,
    example,
    run_rule,
    same_behaviour,
)

RULE = InvariantListToSet()


def test_invariant_list_is_tested_through_a_set_built_once() -> None:
    before = """
        def keep(words: list[str], stop_text: str):
            stop = stop_text.split()
            kept = []
            # filter
            for w in words:
                if w not in stop:
                    kept.append(w)
            return kept, stop
        """
    after = """
        def keep(words: list[str], stop_text: str):
            stop = stop_text.split()
            kept = []
            # filter
            stop_set = set(stop)
            for w in words:
                if w not in stop_set:
                    kept.append(w)
            return kept, stop
        """
    assert_rewrites(RULE, before, after)


def test_seen_list_keeps_its_order_and_gets_a_mirrored_set() -> None:
    before = """
        def dedupe(words: list[str]):
            seen = []
            out = []
            for w in words:
                if w not in seen: seen.append(w); out.append(w.upper())
            return out, seen
        """
    after = """
        def dedupe(words: list[str]):
            seen = []
            out = []
            seen_set = set()
            for w in words:
                if w not in seen_set: seen_set.add(w); seen.append(w); out.append(w.upper())
            return out, seen
        """
    assert_rewrites(RULE, before, after)


def test_while_loop_over_ints_from_a_comprehension() -> None:
    before = """
        def f(words: list[str], bad: list[int]):
            blocked = [b * 2 for b in bad]
            while words and len(words.pop()) not in blocked:
                pass
            return words
        """
    after = """
        def f(words: list[str], bad: list[int]):
            blocked = [b * 2 for b in bad]
            blocked_set = set(blocked)
            while words and len(words.pop()) not in blocked_set:
                pass
            return words
        """
    assert_rewrites(RULE, before, after)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("def f(n: int, t: str):\n    stop = [len(w) for w in t.split()]\n    while n not in stop:\n        n += 1\n    return n\n", id="operand-rebound"),
        pytest.param("def f(words: list[str], t: str):\n    stop = t.split()\n    for w in words:\n        if w in stop:\n            stop.remove(w)\n    return stop\n", id="mutated-otherwise"),
        pytest.param("def f(words: list[str], t: str):\n    stop = t.split()\n    keep(stop)\n    for w in words:\n        if w in stop:\n            g()\n", id="escapes-before-the-loop"),
        pytest.param("def f(words: list[str], t: str):\n    stop = t.split()\n    for w in words:\n        if w in stop:\n            print(stop)\n", id="read-otherwise-in-loop"),
        pytest.param("def f(words: list[str], other):\n    stop = list(other)\n    for w in words:\n        if w in stop:\n            return w\n", id="items-of-unknown-type"),
        pytest.param("def f(words, t: str):\n    stop = t.split()\n    for w in words:\n        if w in stop:\n            return w\n", id="operand-of-unknown-type"),
        pytest.param("def f(rows: list[str], t: str):\n    stop = t.split()\n    out = []\n    for r in rows:\n        out.append(any(c in stop for c in r))\n    return out\n", id="test-in-generator-expression"),
        pytest.param("def f(words: list[str], t: str):\n    stop = t.split()\n    drop = lambda: stop.clear()\n    for w in words:\n        if w in stop:\n            drop()\n", id="closure-names-list"),
        pytest.param("def f(words: list[str], t: str, set):\n    stop = t.split()\n    for w in words:\n        if w in stop:\n            return w\n", id="set-shadowed"),
        pytest.param("def f(words: list[str]):\n    seen = []\n    for w in words:\n        if w not in seen:\n            seen.append(w.lower())\n    return seen\n", id="append-of-a-call"),
        pytest.param("def f(words: list[str]):\n    seen = ()\n    for w in words:\n        if w not in seen:\n            seen.append(w)\n    return seen\n", id="tuple-not-list"),
    ],
)  # fmt: skip
def test_does_not_fire(source: str) -> None:
    assert_not_fired(RULE, source)


DEDUPE = """
def f(words: list[str], skip_text: str):
    skip = skip_text.split()
    seen = []
    out = []
    for w in words:
        if w in skip:
            continue
        if w not in seen:
            seen.append(w)
            out.append(len(seen))
    return out, seen
"""


@PROPERTY
@given(
    st.lists(st.sampled_from(["a", "b", "c", "A", "", "a b"])), st.text(alphabet="ab ", max_size=6)
)
def test_dedupe_and_invariant_lists_behave_the_same(words: list[str], skip_text: str) -> None:
    assert same_behaviour(RULE, DEDUPE, "f", words, skip_text)


def test_fires_on_the_planted_unique_words() -> None:
    rewrite = run_rule(RULE, example("filters.py", "unique_words"))
    assert rewrite is not None
    assert (
        "        if word not in seen_set:\n            seen_set.add(word)\n            seen.append(word)"
        in rewrite.source()
    )


@PROPERTY
@given(st.lists(st.sampled_from(["word", "Word", "WORD", "x", ""])))
def test_planted_unique_words_behaves_the_same(words: list[str]) -> None:
    assert same_behaviour(RULE, example("filters.py", "unique_words"), "unique_words", words)
