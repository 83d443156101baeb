"""sorted-index-to-min-max: `sorted(x)[0]` is `min(x)`; `[-1]` is `max(x)` where that is exact."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.rules.sorted_index_to_min_max import RULE
from tests.rules.support import assert_not_fired, assert_rewrites, same_behaviour

WORDFREQ = Path(__file__).resolve().parents[2] / "tasks" / "example" / "wordfreq"
NUMBER = st.one_of(st.integers(-2, 2), st.floats(-2, 2, allow_nan=False), st.booleans())
NUMBERS = st.lists(NUMBER, min_size=1)  # empty input: see test_empty_input_raises_differently


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("sorted(xs)[0]", "min(xs)"),
        ("sorted(xs, key=len)[0]", "min(xs, key=len)"),
        ("sorted(xs, reverse=True)[0]", "max(xs)"),
        ("sorted(xs, reverse=True, key=len)[0]", "max(xs, key=len)"),
        ("sorted(xs, key=len, reverse=False)[0]", "min(xs, key=len)"),
        ("(sorted(xs))[0] + 1", "(min(xs)) + 1"),
        (
            "sorted(\n        xs,\n        key=len,\n    )[0]",
            "min(\n        xs,\n        key=len,\n    )",
        ),
    ],
)
def test_first_of_sorted_is_min_or_max(before: str, after: str) -> None:
    assert_rewrites(RULE, f"def f(xs):\n    return {before}\n", f"def f(xs):\n    return {after}\n")


@pytest.mark.parametrize(
    ("annotation", "before", "after"),
    [
        ("list[str]", "sorted(xs)[-1]", "max(xs)"),
        ("str", "sorted(xs, reverse=True)[-1]", "min(xs)"),
        ("typing.Sequence[str]", "sorted(xs)[-1]", "max(xs)"),
        ("dict[str, int]", "sorted(xs)[-1]", "max(xs)"),
        ("tuple[str, ...]", "sorted(xs)[-1]", "max(xs)"),
    ],
)
def test_last_of_sorted_text_is_max_or_min(annotation: str, before: str, after: str) -> None:
    assert_rewrites(
        RULE,
        f"def f(xs: {annotation}):\n    return {before}\n",
        f"def f(xs: {annotation}):\n    return {after}\n",
    )


def test_last_of_a_sorted_string_literal_is_its_max() -> None:
    assert_rewrites(
        RULE, "def f():\n    return sorted('cab')[-1]\n", "def f():\n    return max('cab')\n"
    )


@pytest.mark.parametrize(
    "source",
    [
        "def sorted(xs):\n    return xs\ndef f(xs):\n    return sorted(xs)[0]\n",
        "def f(xs):\n    min = 3\n    return sorted(xs)[0]\n",
        "from builtins import *\ndef f(xs):\n    return sorted(xs)[0]\n",
        "def f(xs):\n    return sorted(xs)[1]\n",
        "def f(xs):\n    return sorted(xs)[0:1]\n",
        "def f(xs, flag):\n    return sorted(xs, reverse=flag)[0]\n",
        "def f(*args):\n    return sorted(*args)[0]\n",
        "def f(xs, kw):\n    return sorted(xs, **kw)[0]\n",
    ],
)
def test_does_not_fire_on_shadowed_builtins_or_other_calls(source: str) -> None:
    assert_not_fired(RULE, source)


@pytest.mark.parametrize(
    "source",
    [
        "def f(xs):\n    return sorted(xs)[-1]\n",  # unknown elements: 1, 1.0 and True tie
        "def f(xs: list[int]):\n    return sorted(xs)[-1]\n",  # a list[int] may hold True
        "def f(xs: list[str]):\n    return sorted(xs, key=len)[-1]\n",  # ties under key
        "def f(xs: list[str]):\n    xs = [1, 1.0]\n    return sorted(xs)[-1]\n",  # rebound
        "def f(xs: list[str]):\n    try:\n        pass\n    except E as xs:\n        pass\n"
        "    return sorted(xs)[-1]\n",
        "def f(xs: tuple[str, int]):\n    return sorted(xs)[-1]\n",
        "def f(xs: list[bytes]):\n    return sorted(xs)[-1]\n",  # may hold a bytearray
    ],
)
def test_last_does_not_fire_where_equal_elements_may_differ(source: str) -> None:
    assert_not_fired(RULE, source)


def test_why_last_needs_text_elements() -> None:
    assert repr(sorted([1, 1.0])[-1]) != repr(max([1, 1.0]))


@given(NUMBERS)
def test_first_of_sorted_behaves_the_same(xs: list[float]) -> None:
    source = "def f(xs):\n    return repr(sorted(xs)[0]), repr(sorted(xs, reverse=True)[0])\n"
    assert same_behaviour(RULE, source, "f", xs)


@given(NUMBERS)
def test_first_of_sorted_by_key_behaves_the_same(xs: list[float]) -> None:
    source = """
    def f(xs):
        return repr(sorted(xs, key=abs)[0]), repr(sorted(xs, key=abs, reverse=True)[0])
    """
    assert same_behaviour(RULE, source, "f", xs)


@given(st.lists(st.text(alphabet="ab\u00e9", max_size=3), min_size=1))
def test_last_of_sorted_text_behaves_the_same(xs: list[str]) -> None:
    source = "def f(xs: list[str]):\n    return sorted(xs)[-1], sorted(xs, reverse=True)[-1]\n"
    assert same_behaviour(RULE, source, "f", xs)


def test_empty_input_raises_differently_which_the_gate_sees() -> None:
    assert not same_behaviour(RULE, "def f(xs):\n    return sorted(xs)[0]\n", "f", [])


def test_fires_on_top_words() -> None:
    rewrite = RULE.rewrite(*example("counting.py", "top_words"))
    assert rewrite is not None
    assert "word = min(remaining, key=lambda w: (-remaining[w], w))" in rewrite.source()


@given(st.dictionaries(st.text(alphabet="abc", max_size=2), st.integers(1, 3)), st.integers(0, 4))
def test_top_words_behaves_the_same(counts: dict[str, int], n: int) -> None:
    assert same_behaviour(RULE, example_source("counting.py", "top_words"), "top_words", counts, n)


def example(file: str, name: str) -> tuple[cst.FunctionDef, cst.Module]:
    """A planted function of the bundled example, with its module."""
    module = cst.parse_module((WORDFREQ / file).read_text())
    functions = (s for s in module.body if isinstance(s, cst.FunctionDef))
    return next(f for f in functions if f.name.value == name), module


def example_source(file: str, name: str) -> str:
    """The example module's text with `name` as its only function (what `same_behaviour` runs)."""
    module = cst.parse_module((WORDFREQ / file).read_text())
    kept = [s for s in module.body if not isinstance(s, cst.FunctionDef) or s.name.value == name]
    return module.with_changes(body=kept).code
