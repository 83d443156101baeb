"""nested-loops-to-product: a loop in a loop over fixed collections becomes one loop over pairs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.rules.nested_loops_to_product import RULE
from tests.rules.support import assert_not_fired, assert_rewrites, run_rule, same_behaviour


def test_loop_in_a_loop_becomes_a_loop_over_product() -> None:
    assert_rewrites(
        RULE,
        """
        def f(xs: tuple[int, ...], ys: str):
            out = []
            for x in xs:
                for y in ys:  # every pair
                    out.append((x, y))
            return out
        """,
        """
        import itertools


        def f(xs: tuple[int, ...], ys: str):
            out = []
            for x, y in itertools.product(xs, ys):  # every pair
                out.append((x, y))
            return out
        """,
    )


FIXED = """
def f(n: int, m, zs, *rest):
    {setup}
    for a in {outer}:
        for b in {inner}:
            if a == b:
                continue
            g(a, b)
"""
FLAT = """
import itertools


def f(n: int, m, zs, *rest):
    {setup}
    for a, b in itertools.product({outer}, {inner}):
        if a == b:
            continue
        g(a, b)
"""


@pytest.mark.parametrize(
    ("setup", "outer", "inner"),
    [
        ("pass", "range(n)", "range(m)"),
        ("ys = [1, 2]", "ys", "range(len(ys) - 1)"),
        ("ys = {c for c in 'ab'}", "range(1, n + 2)", "ys"),
        ("ys = sorted(zs)", "ys", "ys"),
        ("ys = tuple(zs)", "rest", "ys"),
    ],
)
def test_fixed_collections_and_ranges(setup: str, outer: str, inner: str) -> None:
    parts = {"setup": setup, "outer": outer, "inner": inner}
    assert_rewrites(RULE, FIXED.format(**parts), FLAT.format(**parts))


LOOPS = "\n    for a in range(n):\n        for b in range(n):\n            g(a, b)\n"


def test_an_existing_import_is_fine() -> None:
    assert run_rule(RULE, "import itertools\ndef f(n):" + LOOPS) is not None


@pytest.mark.parametrize(
    "body",
    [
        "for a in xs:\n        for b in a:\n            g(b)\n",  # inner depends on a
        "for a in xs:\n        for b in ys:\n            ys.append(b)\n",  # list changes
        "for a in xs:\n        for b in ws:\n            g(b)\n",  # ws: maybe an iterator
        "for a in xs:\n        for b in vs:\n            g(b)\n",  # vs bound after
        "for a in xs:\n        for b in us:\n            g(b)\n",  # us bound in an if
        "for a in xs:\n        for b in range(k):\n            k = k - 1\n",
        "for a in xs:\n        for b in range(xs[0]):\n            g(b)\n",
    ],
)
def test_does_not_fire_unless_both_iterables_are_fixed(body: str) -> None:
    head = "def f(xs: tuple[int, ...], ws, k: int):\n    ys = [1]\n    if k:\n        us = (1,)\n"
    assert_not_fired(RULE, head + "    " + body + "    vs = (1,)\n")


@pytest.mark.parametrize(
    "body",
    [
        "for a in xs:\n        for b in xs:\n            break\n",
        "for a in xs:\n        g(a)\n        for b in xs:\n            g(b)\n",
        "for a in xs:\n        for b in xs:\n            g(b)\n        g(a)\n",
        "for a in xs:\n        for b in xs:\n            g(b)\n    else:\n        g()\n",
        "for a in xs:\n        for b in xs:\n            g(b)\n        else:\n            g()\n",
        "for a in xs:\n        for b in xs:\n            a = b\n",
        "for a in xs:\n        for b in xs:\n            g(b)\n    return a\n",  # a left over
        "for a in xs:\n        # then each b\n        for b in xs:\n            g(b)\n",
        "for a, c in xs:\n        for b in xs:\n            g(b)\n",
        "async def h():\n        async for a in xs:\n"
        "            for b in xs:\n                g(b)\n",
    ],
)
def test_does_not_fire_on_other_loop_shapes(body: str) -> None:
    assert_not_fired(RULE, "def f(xs: tuple[int, ...]):\n    " + body)


@pytest.mark.parametrize(
    "prelude",
    [
        "itertools = None\ndef f(n):",
        "import itertools as it\nitertools = it\ndef f(n):",
        "def f(n):\n    import numpy as itertools",
        "def range(n):\n    return iter([n])\ndef f(n):",
    ],
)
def test_does_not_fire_when_itertools_or_range_is_shadowed(prelude: str) -> None:
    assert_not_fired(RULE, prelude + LOOPS)


SOURCE = """
def f(xs: tuple[int, ...], n: int, m: int):
    out = []
    ys = [y * 2 for y in xs]
    for a in xs:
        for b in ys:
            if a == b:
                continue
            out.append(a - b)
    for i in range(n):
        for j in range(m - n):
            if i * j > 6:
                return out, i, j
            out.append(i * j)
    return out
"""


@given(st.lists(st.integers(-3, 3), max_size=5).map(tuple), st.integers(-2, 4), st.integers(-2, 8))
def test_pairs_come_in_the_same_order(xs: tuple[int, ...], n: int, m: int) -> None:
    assert same_behaviour(RULE, SOURCE, "f", xs, n, m)


@given(st.one_of(st.floats(allow_nan=False), st.none(), st.integers(-2, 2)))
def test_bad_range_arguments_raise_the_same(m: object) -> None:
    assert same_behaviour(RULE, SOURCE, "f", (1,), 2, m)


def test_three_loops_flatten_the_inner_pair_first() -> None:
    before = """
    def f(xs: tuple[int, ...]):
        for a in xs:
            for b in xs:
                for c in xs:
                    g(a, b, c)
    """
    after = """
    import itertools


    def f(xs: tuple[int, ...]):
        for a in xs:
            for b, c in itertools.product(xs, xs):
                g(a, b, c)
    """
    assert_rewrites(RULE, before, after)
