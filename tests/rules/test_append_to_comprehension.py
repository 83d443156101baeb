"""append-to-comprehension: before/after pairs, the limits, behaviour, and the planted example."""

from __future__ import annotations

import libcst as cst
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.rules.append_to_comprehension import AppendToComprehension
from tests.rules.support import (
    PROPERTY,
    assert_not_fired,
    assert_rewrites,
    example,
    run_rule,
    same_behaviour,
)

RULE = AppendToComprehension()


def test_guarded_append_loop_becomes_a_filtered_comprehension() -> None:
    before = """
        def f(xs):
            out = []
            for x in xs:
                if x > 0:
                    out.append(x * 2)
            return out
        """
    after = """
        def f(xs):
            out = [x * 2 for x in xs if x > 0]
            return out
        """
    assert_rewrites(RULE, before, after)


def test_annotated_accumulator_and_tuple_target_are_kept() -> None:
    before = """
        def f(pairs):
            keys: list[str] = []  # the keys
            for k, _v in pairs: keys.append(k)
            return keys
        """
    after = """
        def f(pairs):
            keys: list[str] = [k for k, _v in pairs]  # the keys
            return keys
        """
    assert_rewrites(RULE, before, after)


def test_a_conditional_iterable_is_parenthesized() -> None:
    before = """
        def f(a, b, c):
            out = []
            for x in a if c else b:
                out.append((x, x))
            return out
        """
    after = """
        def f(a, b, c):
            out = [(x, x) for x in (a if c else b)]
            return out
        """
    assert_rewrites(RULE, before, after)


def test_a_loop_in_a_nested_block_is_rewritten_in_place() -> None:
    before = """
        def f(xs, flag):
            if flag:
                # squares
                out = []
                for x in xs:
                    out.append(x * x)
                return out
            return None
        """
    after = """
        def f(xs, flag):
            if flag:
                # squares
                out = [x * x for x in xs]
                return out
            return None
        """
    assert_rewrites(RULE, before, after)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("def f(xs):\n    out = []\n    for x in xs:\n        out.append(len(out))\n    return out\n", id="accumulator-read-in-loop"),
        pytest.param("def f(xs):\n    out = []\n    for x in xs:\n        out.append(x)\n    return out, x\n", id="loop-variable-used-after"),
        pytest.param("def f(xs):\n    out = []\n    for x in xs:\n        print(x)\n        out.append(x)\n    return out\n", id="extra-statement"),
        pytest.param("def f(xs):\n    out = []\n    for x in xs:\n        out.append(x)\n    else:\n        out = None\n    return out\n", id="for-else"),
        pytest.param("def f(xs):\n    out = []\n    for x in xs:\n        if x:\n            out.append(x)\n        else:\n            out.append(0)\n    return out\n", id="if-else"),
        pytest.param("def f(xs):\n    try:\n        out = []\n        for x in xs:\n            out.append(1 / x)\n    except ZeroDivisionError:\n        pass\n    return out\n", id="under-try"),
        pytest.param("def f(xs):\n    out = []\n    peek = lambda: len(out)\n    for x in xs:\n        out.append(peek())\n    return out\n", id="closure-reads-accumulator"),
        pytest.param("def f(xs):\n    out = []\n    print(out)\n    for x in xs:\n        out.append(x)\n    return out\n", id="not-adjacent"),
        pytest.param("def f(xs):\n    out = [0]\n    for x in xs:\n        out.append(x)\n    return out\n", id="non-empty-start"),
        pytest.param("def f(xs):\n    out = []\n    for x in xs:\n        out.append((yield x))\n    return out\n", id="yield"),
        pytest.param("def f(xs):\n    out = []\n    for x in xs:\n        out.append(locals())\n    return out\n", id="scope-reader"),
        pytest.param("async def f(xs):\n    out = []\n    async for x in xs:\n        out.append(x)\n    return out\n", id="async-for"),
    ],
)  # fmt: skip
def test_does_not_fire(source: str) -> None:
    assert_not_fired(RULE, source)


def test_does_not_fire_on_zero_argument_super_in_a_method() -> None:
    module = cst.parse_module(
        "class A(B):\n    def f(self, xs):\n        out = []\n"
        "        for x in xs:\n            out.append(super().g(x))\n        return out\n"
    )
    method = cst.ensure_type(
        cst.ensure_type(module.body[0], cst.ClassDef).body.body[0], cst.FunctionDef
    )
    assert RULE.rewrite(method, module) is None


FILTERED = """
def f(xs, limit):
    out = []
    for x in xs:
        if x < limit:
            out.append(x * 3 - limit)
    return out
"""

PAIRS = """
def f(pairs):
    out = []
    for a, b in pairs:
        out.append(a // b)
    return out
"""


@PROPERTY
@given(st.lists(st.one_of(st.integers(), st.floats(allow_nan=False), st.none())), st.integers())
def test_filtered_comprehension_behaves_the_same(xs: list[object], limit: int) -> None:
    assert same_behaviour(RULE, FILTERED, "f", xs, limit)


@PROPERTY
@given(st.lists(st.tuples(st.integers(), st.integers(-2, 2))))
def test_tuple_target_behaves_the_same_also_when_raising(pairs: list[tuple[int, int]]) -> None:
    assert same_behaviour(RULE, PAIRS, "f", pairs)


def test_fires_on_the_planted_ngrams() -> None:
    rewrite = run_rule(RULE, example("text.py", "ngrams"))
    assert rewrite is not None
    assert (
        "grams = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]" in rewrite.source()
    )


def test_fires_on_the_planted_remove_stopwords() -> None:
    rewrite = run_rule(RULE, example("filters.py", "remove_stopwords"))
    assert rewrite is not None
    assert "kept = [word for word in words if word not in [" in rewrite.source()


@PROPERTY
@given(st.lists(st.text(max_size=3), max_size=8), st.integers(-1, 4))
def test_planted_ngrams_behaves_the_same(words: list[str], n: int) -> None:
    assert same_behaviour(RULE, example("text.py", "ngrams"), "ngrams", words, n)
