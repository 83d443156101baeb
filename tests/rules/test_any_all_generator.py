"""any-all-generator: `any([...])` becomes `any(...)` when skipping elements cannot be noticed."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.rules.any_all_generator import RULE
from agent.rules.drop_keys_call import RULE as DROP_KEYS
from tests.rules.support import assert_not_fired, assert_rewrites, same_behaviour

WORDFREQ = Path(__file__).resolve().parents[2] / "tasks" / "example" / "wordfreq"


@pytest.mark.parametrize(
    ("params", "before", "after"),
    [
        (
            "word: str, prefixes: list[str]",
            "any([word.startswith(p) for p in prefixes])",
            "any(word.startswith(p) for p in prefixes)",
        ),
        (
            "xs: Sequence[int], low: int",
            "all([x >= low for x in xs if x != 0])",
            "all(x >= low for x in xs if x != 0)",
        ),
        (
            "rows: list[list[str]]",
            "any([not cell or cell.isspace() for row in rows for cell in row])",
            "any(not cell or cell.isspace() for row in rows for cell in row)",
        ),
        (
            "counts: Mapping[str, int]",
            "all([w.lower() == w and n > 0 for w in counts.keys() for n in counts.values()])",
            "all(w.lower() == w and n > 0 for w in counts.keys() for n in counts.values())",
        ),
        (
            "text: str",
            'any([c in "aeiou" for c in text])',
            'any(c in "aeiou" for c in text)',
        ),
        (
            "xs: tuple[str, ...]",
            'any([x.endswith((".py", ".pyi")) for x in xs])',
            'any(x.endswith((".py", ".pyi")) for x in xs)',
        ),
        ("", 'any([c == "b" for c in ("a", "b")])', 'any(c == "b" for c in ("a", "b"))'),
    ],
)
def test_list_comprehension_becomes_generator(params: str, before: str, after: str) -> None:
    assert_rewrites(
        RULE, f"def f({params}):\n    return {before}\n", f"def f({params}):\n    return {after}\n"
    )


def test_multiline_comprehension_keeps_its_layout() -> None:
    before = """
    def f(xs: list[str]):
        return any([
            x.isdigit()
            for x in xs
        ])
    """
    after = """
    def f(xs: list[str]):
        return any(
            x.isdigit()
            for x in xs
        )
    """
    assert_rewrites(RULE, before, after)


def test_loop_variables_get_the_element_type() -> None:
    before = """
    def f(words: list[str], ps: list[str]):
        for w in words:
            g(any([w.startswith(p) for p in ps]))
    """
    after = """
    def f(words: list[str], ps: list[str]):
        for w in words:
            g(any(w.startswith(p) for p in ps))
    """
    assert_rewrites(RULE, before, after)


@pytest.mark.parametrize(
    "source",
    [
        "def f(xs: list[str]):\n    return any([g(x) for x in xs])\n",  # a call may do anything
        "def f(xs: list[int]):\n    return any([1 / x for x in xs])\n",  # may raise later
        "def f(xs: list[str]):\n    return any([x[0] == 'a' for x in xs])\n",
        "def f(xs: list):\n    return any([x.startswith('a') for x in xs])\n",  # x untyped
        "def f(xs):\n    return any([x == 1 for x in xs])\n",
        "def f(xs: list[object]):\n    return any([x == 1 for x in xs])\n",  # user __eq__
        "def f(xs: list[str], n: int):\n    return any([x < n for x in xs])\n",  # TypeError
        "def f(xs: list[int]):\n    return any([x in 'abc' for x in xs])\n",
        "def f(xs: list[str]):\n    return any([(y := x) for x in xs])\n",
        "def f(xs: list[str]):\n    return any([x.startswith(1) for x in xs])\n",
        "def f(xs: list[str]):\n    return any([x.split() for x in xs])\n",
    ],
)
def test_does_not_fire_when_skipped_elements_could_be_noticed(source: str) -> None:
    assert_not_fired(RULE, source)


@pytest.mark.parametrize(
    "source",
    [
        "def f(xs: Iterable[str]):\n    return any([x == 'a' for x in xs])\n",  # half consumed
        "def f(xs: Iterator[str]):\n    return any([x == 'a' for x in xs])\n",
        "def f(xs: list[str]):\n    return any([x == 'a' for x in g(xs)])\n",
        "def f(xs: list[str]):\n    xs = g()\n    return any([x == 'a' for x in xs])\n",
        "def f(*xs: str):\n    return any([x == 'a' for x in xs])\n",
        "def f(xs: list[str]):\n    any = all\n    return any([x == 'a' for x in xs])\n",
        "def f(xs: list[str]):\n    return any(*[x == 'a' for x in xs])\n",
        "def f(xs: list[str], ys):\n    return [any([x == y for x in xs]) for y in ys]\n",
        "def f(xs: list[str]):\n    return lambda: any([x == 'a' for x in xs])\n",
        "def f(xs: list[str]):\n    return sum([x == 'a' for x in xs])\n",
    ],
)
def test_does_not_fire_on_other_iterables_scopes_or_calls(source: str) -> None:
    assert_not_fired(RULE, source)


SOURCE = """
def f(words: list[str], prefixes: list[str]) -> list[bool]:
    out = []
    for w in words:
        out.append(any([w.startswith(p) for p in prefixes]))
        out.append(all([p != w and p.islower() for p in prefixes]))
    return out
"""

NUMBERS = """
def f(xs: list[int], low: int):
    return any([x > low for x in xs if x != 0]), all([x >= low or x == 0 for x in xs])
"""


@given(st.lists(st.text("aB", max_size=3)), st.lists(st.text("aB", max_size=2)))
def test_string_predicates_behave_the_same(words: list[str], prefixes: list[str]) -> None:
    assert same_behaviour(RULE, SOURCE, "f", words, prefixes)


@given(st.lists(st.integers(-3, 3)), st.integers(-3, 3))
def test_number_predicates_behave_the_same(xs: list[int], low: int) -> None:
    assert same_behaviour(RULE, NUMBERS, "f", xs, low)


def test_fires_on_format_report() -> None:
    function, module = example("report.py", "format_report")
    rewrite = RULE.rewrite(function, module)
    assert rewrite is not None
    assert 'marker = "*" if any(word.startswith(prefix) for prefix in highlight) else " "' in (
        rewrite.source()
    )


def test_fires_on_format_report_after_drop_keys() -> None:
    function, module = example("report.py", "format_report")
    dropped = DROP_KEYS.rewrite(function, module)
    assert dropped is not None
    assert RULE.rewrite(dropped.function, module) is not None


def example(file: str, name: str) -> tuple[cst.FunctionDef, cst.Module]:
    """A planted function of the bundled example, with its module."""
    module = cst.parse_module((WORDFREQ / file).read_text())
    functions = (s for s in module.body if isinstance(s, cst.FunctionDef))
    return next(f for f in functions if f.name.value == name), module
