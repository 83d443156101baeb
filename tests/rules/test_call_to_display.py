"""call-to-display: before/after pairs, the limits, and behaviour."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.rules.call_to_display import CallToDisplay
from tests.rules.support import PROPERTY, assert_not_fired, assert_rewrites, same_behaviour

RULE = CallToDisplay()


def test_empty_calls_become_empty_displays() -> None:
    before = """
        def unzip(seqs):
            if not seqs:
                return tuple()
            index, cache = dict(), (list())
            return index, cache, [list() for _ in seqs], lambda: dict()
        """
    after = """
        def unzip(seqs):
            if not seqs:
                return ()
            index, cache = {}, ([])
            return index, cache, [[] for _ in seqs], lambda: {}
        """
    assert_rewrites(RULE, before, after)


def test_keyword_arguments_of_dict_become_string_keys_in_order() -> None:
    before = """
        def namespace(getter, name):
            return dict(
                _itemgetter=getter,
                __name__=name,
            ), dict(a=1)
        """
    after = """
        def namespace(getter, name):
            return {
                "_itemgetter": getter,
                "__name__": name,
            }, {"a": 1}
        """
    assert_rewrites(RULE, before, after)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("def f(x):\n    return dict(x), list(x), tuple(x)\n", id="positional-arguments"),
        pytest.param("def f(kw):\n    return dict(a=1, **kw)\n", id="double-star"),
        pytest.param("def f(x):\n    return dict(x, a=1)\n", id="mapping-and-keywords"),
        pytest.param("dict = OrderedDict\ndef f():\n    return dict()\n", id="dict-rebound-in-the-module"),
        pytest.param("def f(list):\n    return list()\n", id="list-a-parameter"),
        pytest.param("from x import *\ndef f():\n    return dict()\n", id="star-import"),
        pytest.param("def f():\n    return set(), frozenset(), str()\n", id="no-display-or-not-worth-it"),
        pytest.param("def f():\n    def g():\n        return dict()\n    return g\n", id="inside-a-nested-def"),
        pytest.param("def f(x=dict()):\n    return x\n", id="parameter-default"),
        pytest.param("def f():\n    return dict(\ufb01=1)\n", id="keyword-normalized-by-nfkc"),
    ],
)  # fmt: skip
def test_does_not_fire(source: str) -> None:
    assert_not_fired(RULE, source)


SOURCE = """
def f(a, b):
    made = dict(first=a, second=b), dict(), list(), tuple()
    made[1]["k"] = a
    made[2].append(b)
    return made, type(made[0]), type(made[3]), list(made[0]), made[3] == ()
"""


@PROPERTY
@given(st.integers() | st.text(max_size=2), st.none() | st.lists(st.integers(), max_size=2))
def test_displays_build_the_same_values(a: object, b: object) -> None:
    assert same_behaviour(RULE, SOURCE, "f", a, b)


def test_each_call_still_makes_a_new_object() -> None:
    source = "def f():\n    return [dict() for _ in range(2)], [list() for _ in range(2)]\n"
    rewrite = assert_rewrites(
        RULE, source, "def f():\n    return [{} for _ in range(2)], [[] for _ in range(2)]\n"
    )
    namespace: dict[str, object] = {}
    exec(rewrite.source(), namespace)
    dicts, lists = namespace["f"]()  # type: ignore[operator]
    assert dicts[0] is not dicts[1] and lists[0] is not lists[1]
