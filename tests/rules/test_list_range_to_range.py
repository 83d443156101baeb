"""list-range-to-range: `for i in list(range(...))` loops over the range itself."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.rules.list_range_to_range import RULE
from tests.rules.support import assert_not_fired, assert_rewrites, same_behaviour


def test_loop_over_list_of_range_loops_over_the_range() -> None:
    assert_rewrites(
        RULE,
        "def f(n):\n    for i in list(range(n)):\n        g(i)\n",
        "def f(n):\n    for i in range(n):\n        g(i)\n",
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("[i * i for i in list(range(n))]", "[i * i for i in range(n)]"),
        ("{i: 1 for i in list(range(1, n, 2))}", "{i: 1 for i in range(1, n, 2)}"),
        ("sum(i for j in xs for i in list(range(j)))", "sum(i for j in xs for i in range(j))"),
        ("[i for i in (list(range(n)))]", "[i for i in (range(n))]"),
        ("[i for i in list(range(*xs))]", "[i for i in range(*xs)]"),
    ],
)
def test_comprehensions_iterate_the_range(before: str, after: str) -> None:
    assert_rewrites(
        RULE, f"def f(n, xs):\n    return {before}\n", f"def f(n, xs):\n    return {after}\n"
    )


@pytest.mark.parametrize(
    "source",
    [
        "def f(n):\n    list = tuple\n    for i in list(range(n)):\n        g(i)\n",
        "def range(n):\n    return [n]\ndef f(n):\n    for i in list(range(n)):\n        g(i)\n",
        "from helpers import *\ndef f(n):\n    for i in list(range(n)):\n        g(i)\n",
    ],
)
def test_does_not_fire_when_list_or_range_may_be_shadowed(source: str) -> None:
    assert_not_fired(RULE, source)


@pytest.mark.parametrize(
    "source",
    [
        "def f(n):\n    xs = list(range(n))\n    for i in xs:\n        xs.append(i)\n",  # named
        "def f(n):\n    return list(range(n))\n",
        "def f(xs):\n    for i in list(xs):\n        g(i)\n",
        "def f(n):\n    for i in list(range(n)) + [n]:\n        g(i)\n",
        "def f(n, m):\n    for i in list(range(n), m):\n        g(i)\n",
        "async def f(n):\n    async for i in list(range(n)):\n        g(i)\n",
    ],
)
def test_does_not_fire_on_other_lists(source: str) -> None:
    assert_not_fired(RULE, source)


SOURCE = """
def f(start, stop, step):
    total = []
    for i in list(range(start, stop, step)):
        total.append(i * 2)
    return total, [j for j in list(range(stop))]
"""


@given(st.integers(-20, 20), st.integers(-20, 20), st.integers(-3, 3))
def test_same_numbers_or_same_error(start: int, stop: int, step: int) -> None:
    assert same_behaviour(RULE, SOURCE, "f", start, stop, step)


@given(st.one_of(st.floats(allow_nan=False), st.text(max_size=1), st.none()))
def test_bad_arguments_raise_the_same(stop: object) -> None:
    assert same_behaviour(RULE, SOURCE, "f", 0, stop, 1)
