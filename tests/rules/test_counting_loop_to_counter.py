"""counting-loop-to-counter: before/after pairs, the limits, behaviour, and the planted example."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.rules.counting_loop_to_counter import CountingLoopToCounter
from tests.rules.support import (
    PROPERTY,
    assert_not_fired,
    assert_rewrites,
    example,
    run_rule,
    same_behaviour,
    same_method_behaviour,
)

RULE = CountingLoopToCounter()


def test_if_in_else_counting_becomes_a_counter_over_an_iterator() -> None:
    before = """
        def f(words):
            counts = {}
            for w in words:
                if w in counts:
                    counts[w] += 1
                else:
                    counts[w] = 1
            return counts
        """
    after = """
        import collections


        def f(words):
            counts = dict(collections.Counter(iter(words)))
            return counts
        """
    assert_rewrites(RULE, before, after)


def test_not_in_form_over_a_split_needs_no_iter() -> None:
    before = """
        def f(text: str):
            counts: dict[str, int] = dict()
            for w in text.split():
                if w not in counts:
                    counts[w] = 1
                else:
                    counts[w] += 1
            return counts
        import collections
        """
    after = """
        def f(text: str):
            counts: dict[str, int] = dict(collections.Counter(text.split()))
            return counts
        """
    assert_rewrites(RULE, before, after)


def test_get_form_uses_the_modules_own_counter_import() -> None:
    before = """
        def f(rows):
            d = {}
            for key in [r[0] for r in rows]:
                d[key] = d.get(key, 0) + 1
            return d
        from collections import Counter as Tally
        """
    after = """
        def f(rows):
            d = dict(Tally([r[0] for r in rows]))
            return d
        """
    assert_rewrites(RULE, before, after)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("def f(ws):\n    d = {}\n    for w in ws:\n        print(w)\n        d[w] = d.get(w, 0) + 1\n    return d\n", id="extra-statement"),
        pytest.param("def f(ws):\n    d = {}\n    for w in ws:\n        d[w] = d.get(w, 0) + 2\n    return d\n", id="not-counting-by-one"),
        pytest.param("def f(ws):\n    d = {}\n    for w in ws:\n        if w in d:\n            d[w] += 1\n        else:\n            d[w] = 0\n    return d\n", id="wrong-first-count"),
        pytest.param("def f(ws):\n    d = {}\n    for w in ws + [len(d)]:\n        d[w] = d.get(w, 0) + 1\n    return d\n", id="counts-read-by-iterable"),
        pytest.param("def f(ws):\n    d = {}\n    for w in ws:\n        d[w] = d.get(w, 0) + 1\n    return d, w\n", id="loop-variable-used-after"),
        pytest.param("def f(ws):\n    d = {}\n    for w in ws:\n        d[w] = d.get(w, 0) + 1\n    return d\ncollections = None\n", id="collections-shadowed"),
        pytest.param("def f(ws, dict):\n    d = {}\n    for w in ws:\n        d[w] = d.get(w, 0) + 1\n    return d\n", id="dict-shadowed"),
        pytest.param("def f(ws):\n    d = {}\n    try:\n        for w in ws:\n            d[w] = d.get(w, 0) + 1\n    except TypeError:\n        pass\n    return d\n", id="under-try"),
        pytest.param("def f(ws):\n    d = {}\n    for w in ws:\n        d[w] = d.get(w, 0) + 1\n    else:\n        d = None\n    return d\n", id="for-else"),
        pytest.param("def f(ws):\n    d = {}\n    def peek():\n        return len(d)\n    for w in ws:\n        d[w] = d.get(w, 0) + 1\n    return d\n", id="closure-reads-counts"),
    ],
)  # fmt: skip
def test_does_not_fire(source: str) -> None:
    assert_not_fired(RULE, source)


COUNTING = """
def f(items):
    d = {}
    for item in items:
        if item in d:
            d[item] += 1
        else:
            d[item] = 1
    return d, list(d), [type(k).__name__ for k in d]
"""

HASHABLES = st.one_of(
    st.integers(-2, 2), st.booleans(), st.floats(allow_nan=True), st.text(max_size=1), st.none()
)


@PROPERTY
@given(st.one_of(st.lists(HASHABLES), st.dictionaries(HASHABLES, st.integers(2, 5))))
def test_counts_order_and_first_seen_keys_are_the_same(items: object) -> None:
    assert same_behaviour(RULE, COUNTING, "f", items)


@PROPERTY
@given(st.lists(st.one_of(st.integers(0, 2), st.lists(st.none(), max_size=1)), max_size=4))
def test_unhashable_items_raise_the_same(items: list[object]) -> None:
    assert same_behaviour(RULE, COUNTING, "f", items)


def test_fires_on_the_planted_count_words() -> None:
    rewrite = run_rule(RULE, example("counting.py", "count_words"))
    assert rewrite is not None and rewrite.imports == ("import collections",)
    assert (
        "    counts: dict[W, int] = dict(collections.Counter(iter(words)))\n    return counts"
        in rewrite.source()
    )


@PROPERTY
@given(st.lists(st.one_of(st.sampled_from(["a", "b", "A"]), st.tuples(st.just("a"), st.just("b")))))
def test_planted_count_words_behaves_the_same(words: list[object]) -> None:
    assert same_behaviour(RULE, example("counting.py", "count_words"), "count_words", words)


@pytest.mark.parametrize("annotation", ["Iterable[str]", "str"])
def test_a_declared_attribute_is_counted_through_iter(annotation: str) -> None:
    # `Iterable[str]` holds a dict too, and Counter(a dict) would count its values: only a
    # display, comprehension, split or builtin call goes to Counter unwrapped.
    source = f"""
        class C:
            words: {annotation}

            def count(self):
                counts = {{}}
                for w in self.words:
                    counts[w] = counts.get(w, 0) + 1
                return counts
        """
    rewrite = run_rule(RULE, source)
    assert rewrite is not None
    assert "counts = dict(collections.Counter(iter(self.words)))" in rewrite.source()


@PROPERTY
@given(st.dictionaries(st.text("ab", max_size=2), st.integers(0, 3)))
def test_a_dict_in_an_iterable_attribute_counts_its_keys(words: dict[str, int]) -> None:
    source = """
        from typing import Iterable

        class C:
            words: Iterable[str]

            def __init__(self, words):
                self.words = words

            def count(self):
                counts = {}
                for w in self.words:
                    counts[w] = counts.get(w, 0) + 1
                return counts
        """
    assert same_method_behaviour(RULE, source, "C.count", words)
