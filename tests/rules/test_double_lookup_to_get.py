"""double-lookup-to-get: `if k in d: v = d[k] else: v = default` becomes `v = d.get(k, default)`."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import libcst as cst
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.rules.double_lookup_to_get import RULE
from tests.rules.support import assert_not_fired, assert_rewrites, same_behaviour

WORDFREQ = Path(__file__).resolve().parents[2] / "tasks" / "example" / "wordfreq"


def test_branches_assigning_a_lookup_or_a_default_become_get() -> None:
    assert_rewrites(
        RULE,
        """
        def f(d: dict[str, int], k):
            # the count, if any
            if k in d:
                v = d[k]
            else:
                v = 0
            return v
        """,
        """
        def f(d: dict[str, int], k):
            # the count, if any
            v = d.get(k, 0)
            return v
        """,
    )


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("if k in d:\n        return d[k]\n    return None\n", "return d.get(k, None)\n"),
        (
            "if k in d:\n        return d[k]\n    else:\n        return -1\n",
            "return d.get(k, -1)\n",
        ),
        ("if k in d: return d[k]\n    return fallback\n", "return d.get(k, fallback)\n"),
        (
            "if k in d:\n        return d[k]\n    return LIMIT\n    g()\n",
            "return d.get(k, LIMIT)\n    g()\n",
        ),
        ("if k in d:\n        x = d[k]\n    else:\n        x = ()\n", "x = d.get(k, ())\n"),
    ],
)
def test_return_shapes_and_defaults(before: str, after: str) -> None:
    head = "LIMIT = 3\ndef f(k, d: Mapping[str, int], fallback):\n    "
    assert_rewrites(RULE, head + before, head.removeprefix("LIMIT = 3\n") + after)


def test_lookups_inside_loops_are_merged_too() -> None:
    before = """
    def f(ks):
        d = {}
        for k in ks:
            if k in d:
                return d[k]
            return 0
    """
    after = "def f(ks):\n    d = {}\n    for k in ks:\n        return d.get(k, 0)\n"
    assert_rewrites(RULE, before, after)


@pytest.mark.parametrize(
    "source",
    [
        "def f(d, k):\n    if k in d:\n        return d[k]\n    return 0\n",  # d may be a list
        "def f(d: Table, k):\n    if k in d:\n        return d[k]\n    return 0\n",
        "def f(d: dict, k):\n    d = load()\n    if k in d:\n        return d[k]\n    return 0\n",
    ],
)
def test_does_not_fire_unless_d_is_provably_a_mapping(source: str) -> None:
    assert_not_fired(RULE, source)


@pytest.mark.parametrize(
    "branches",
    [
        "if k in d:\n        return d[k]\n    return make()\n",  # a call: evaluated always
        "if k in d:\n        return d[k]\n    return maybe\n",  # a local, maybe unbound
        "if k in d:\n        return d[k]\n    return [k]\n",
        "if k in d:\n        return d[j]\n    return 0\n",
        "if k in d:\n        v = d[k]\n    else:\n        w = 0\n",
        "if k in d:\n        v = d[k]\n    v = 0\n",  # not an else: v = 0 always runs
        "if k in d:\n        v = d[k]\n        g(v)\n    else:\n        v = 0\n",
        "if k in d:\n        return d[k]\n    elif j:\n        return 1\n",
        "if k in d:\n        return d[k]  # hit\n    return 0\n",
        "if k in d:\n        return d[k]\n    # miss\n    return 0\n",
        "if j in d:\n        return d[j][0]\n    return 0\n",
        "if k not in d:\n        return 0\n    return d[k]\n",
    ],
)
def test_does_not_fire_on_other_branches(branches: str) -> None:
    source = "def f(d: dict, k, j):\n    if j:\n        maybe = 1\n    " + branches
    assert_not_fired(RULE, source)


SOURCE = """
def f(d: dict[str, int], k: str):
    if k in d:
        v = d[k]
    else:
        v = -1
    if k in d:
        return v, d[k]
    return v, None
"""


@given(st.dictionaries(st.text("ab", max_size=2), st.integers()), st.text("ab", max_size=2))
def test_dicts_give_the_same_values(d: dict[str, int], k: str) -> None:
    assert same_behaviour(RULE, SOURCE, "f", d, k)


@given(st.lists(st.text("ab", max_size=2)), st.text("ab", max_size=2))
def test_counters_and_defaultdicts_give_the_same_values(words: list[str], k: str) -> None:
    counter, default = Counter(words), defaultdict(int, Counter(words))
    assert same_behaviour(RULE, SOURCE, "f", counter, k)
    assert same_behaviour(RULE, SOURCE, "f", default, k)


def test_unhashable_keys_raise_the_same() -> None:
    assert same_behaviour(RULE, SOURCE, "f", {"a": 1}, ["a"])


def test_count_words_is_a_different_shape() -> None:
    module = cst.parse_module((WORDFREQ / "counting.py").read_text())
    functions = (s for s in module.body if isinstance(s, cst.FunctionDef))
    count_words = next(f for f in functions if f.name.value == "count_words")
    assert RULE.rewrite(count_words, module) is None  # `counts[word] += 1`: the counting rule's


def test_a_key_replaced_by_its_value_keeps_itself_when_missing() -> None:
    assert_rewrites(
        RULE,
        """
        ALIASES = {"grey": "gray"}
        def f(color):
            if color in ALIASES:
                color = ALIASES[color]
            return color
        """,
        "def f(color):\n    color = ALIASES.get(color, color)\n    return color\n",
    )


def test_keyword_arguments_are_a_dict() -> None:
    assert_rewrites(
        RULE,
        "def f(k, **kw):\n    if k in kw:\n        return kw[k]\n    return None\n",
        "def f(k, **kw):\n    return kw.get(k, None)\n",
    )


@pytest.mark.parametrize(
    "branches",
    [
        "if k in d:\n        j = d[k]\n",  # j would be bound when k is missing
        "if k in d:\n        k = d[j]\n",
        "if k in d:\n        k = d[k]\n        g(k)\n",
        "if k in d:\n        k = d[k]\n    elif j:\n        k = 1\n",
        "if k in d:\n        k = d[k]  # hit\n",
        "if k in e:\n        k = e[k]\n",  # e is not known to be a mapping
    ],
)
def test_a_key_replaced_only_in_exactly_that_shape(branches: str) -> None:
    assert_not_fired(RULE, f"def f(d: dict, e, k, j):\n    {branches}    return k\n")


@given(st.dictionaries(st.text("ab", max_size=2), st.text("ab", max_size=2)), st.text("ab"))
def test_replaced_keys_are_the_same(d: dict[str, str], k: str) -> None:
    source = "def f(d: dict[str, str], k):\n    if k in d:\n        k = d[k]\n    return k\n"
    assert same_behaviour(RULE, source, "f", d, k)
