"""lambda-to-getter: before/after pairs, the limits, and behaviour."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.rules.lambda_to_getter import LambdaToGetter
from agent.rules.proposer import apply_rule
from tests.rules.support import PROPERTY, assert_not_fired, assert_rewrites, same_behaviour

RULE = LambdaToGetter()


def test_a_sort_key_reading_an_attribute_becomes_attrgetter() -> None:
    before = """
        def relink(links, root):
            for link in sorted(links, key=lambda obj: obj.count):
                link.insert(root)
        """
    after = """
        import operator


        def relink(links, root):
            for link in sorted(links, key=operator.attrgetter("count")):
                link.insert(root)
        """
    assert_rewrites(RULE, before, after)


def test_subscripts_chains_map_and_filter_and_the_modules_own_import() -> None:
    before = """
        from operator import itemgetter
        def top(pairs, rows):
            best = max(pairs, key=lambda x: x[-1], default=None)
            names = list(map(lambda r: r["name"], rows))
            kept = filter(lambda r: r.owner.active, rows)
            return sorted(pairs, key=(lambda x: x[1]), reverse=True), best, names, kept
        """
    after = """
        import operator


        def top(pairs, rows):
            best = max(pairs, key=itemgetter(-1), default=None)
            names = list(map(itemgetter("name"), rows))
            kept = filter(operator.attrgetter("owner.active"), rows)
            return sorted(pairs, key=(itemgetter(1)), reverse=True), best, names, kept
        """
    assert_rewrites(RULE, before, after)


def test_the_proposer_adds_the_import_once_after_the_modules_imports() -> None:
    source = (
        "import os\n\n\ndef most_common(counts):\n"
        "    return sorted(counts.items(), key=lambda x: x[1], reverse=True)\n"
    )
    rewritten = apply_rule(RULE, source, "most_common", "cacheutils.py")
    assert rewritten == (
        "import os\nimport operator\n\n\ndef most_common(counts):\n"
        "    return sorted(counts.items(), key=operator.itemgetter(1), reverse=True)\n"
    )


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("def f(xs):\n    return sorted(xs, key=lambda x: x.a + 1)\n", id="body-is-not-a-getter"),
        pytest.param("def f(xs, i):\n    return sorted(xs, key=lambda x: x[i])\n", id="index-is-a-variable"),
        pytest.param("def f(xs):\n    return sorted(xs, key=lambda x: x[0,])\n", id="index-is-a-tuple"),
        pytest.param("def f(xs, y):\n    return sorted(xs, key=lambda x: y.a)\n", id="reads-another-name"),
        pytest.param("def f(xs):\n    return sorted(xs, key=lambda x, y=1: x.a)\n", id="parameter-with-default"),
        pytest.param("def f(xs):\n    return sorted(xs, key=lambda *x: x[0])\n", id="star-parameter"),
        pytest.param("class C:\n    def f(self, xs):\n        return sorted(xs, key=lambda x: x.__secret)\n", id="mangled-private-name"),
        pytest.param("def f(xs):\n    return xs.sort(key=lambda x: x.a)\n", id="a-method-may-inspect-its-key"),
        pytest.param("def f(xs, g):\n    return g(xs, key=lambda x: x.a)\n", id="not-a-builtin"),
        pytest.param("sorted = print\ndef f(xs):\n    return sorted(xs, key=lambda x: x.a)\n", id="builtin-shadowed"),
        pytest.param("def f(xs, ys):\n    return map(lambda x: x.a, xs, ys)\n", id="map-over-two-iterables"),
        pytest.param("operator = None\ndef f(xs):\n    return sorted(xs, key=lambda x: x.a)\n", id="operator-bound-otherwise"),
        pytest.param("def f(xs, operator):\n    return sorted(xs, key=lambda x: x.a)\n", id="operator-a-parameter"),
        pytest.param("def f(xs):\n    def g():\n        return sorted(xs, key=lambda x: x.a)\n    return g\n", id="inside-a-nested-def"),
    ],
)  # fmt: skip
def test_does_not_fire(source: str) -> None:
    assert_not_fired(RULE, source)


SOURCE = """
def f(rows, pairs):
    by_size = sorted(rows, key=lambda r: r.size)
    widest = max(rows, key=lambda r: r.size, default=None)
    firsts = list(map(lambda p: p[0], pairs))
    lasts = min(pairs, key=lambda p: p[-1], default=None)
    truthy = list(filter(lambda p: p[1], pairs))
    return [r.name for r in by_size], widest and widest.name, firsts, lasts, truthy
"""


class Row:
    def __init__(self, name: str, size: object) -> None:
        self.name = name
        if size is not None:
            self.size = size


rows = st.lists(
    st.builds(Row, st.text(max_size=2), st.sampled_from([0, 1, 2, -1, 1, None])), max_size=4
)
pair = st.tuples(st.integers(-2, 2), st.integers(-2, 2))
pairs = st.lists(st.one_of(pair, pair, pair, st.sampled_from([(), "ab", (1,)])), max_size=5)


@PROPERTY
@given(rows, pairs)
def test_getters_behave_like_the_lambdas(rows: list[Row], pairs: list[object]) -> None:
    # Rows without `size` raise AttributeError and short tuples IndexError, in both.
    assert same_behaviour(RULE, SOURCE, "f", rows, pairs)
