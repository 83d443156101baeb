"""drop-keys-call: `for k in d.keys()` and `k in d.keys()` use the mapping itself, if it is one."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.rules.drop_keys_call import RULE
from tests.rules.support import assert_not_fired, assert_rewrites, same_behaviour

WORDFREQ = Path(__file__).resolve().parents[2] / "tasks" / "example" / "wordfreq"


def test_dict_keys_loop_iterates_the_dict() -> None:
    assert_rewrites(
        RULE,
        "def f(d: dict[str, int]):\n    for k in d.keys():\n        g(k)\n",
        "def f(d: dict[str, int]):\n    for k in d:\n        g(k)\n",
    )


@pytest.mark.parametrize(
    ("binding", "before", "after"),
    [
        ("d = {}", "x in d.keys()", "x in d"),
        ("d = {k: 1 for k in xs}", "x not in d.keys()", "x not in d"),
        ("d = dict(xs)", "[k for k in d.keys() if k]", "[k for k in d if k]"),
        ("d: Mapping[str, int] = g()", "(x in (d.keys()))", "(x in (d))"),
    ],
)
def test_local_mappings_are_tested_and_iterated_directly(
    binding: str, before: str, after: str
) -> None:
    assert_rewrites(
        RULE,
        f"def f(x, xs):\n    {binding}\n    return {before}\n",
        f"def f(x, xs):\n    {binding}\n    return {after}\n",
    )


@pytest.mark.parametrize(
    ("imports", "call"),
    [
        ("from collections import Counter", "Counter(xs)"),
        ("from collections import OrderedDict, defaultdict", "defaultdict(int)"),
        ("import collections", "collections.OrderedDict()"),
    ],
)
def test_collections_mappings_count_as_mappings(imports: str, call: str) -> None:
    assert_rewrites(
        RULE,
        f"{imports}\ndef f(xs):\n    c = {call}\n    return [k for k in c.keys()]\n",
        f"def f(xs):\n    c = {call}\n    return [k for k in c]\n",
    )


@pytest.mark.parametrize(
    "source",
    [
        "def f(d):\n    return [k for k in d.keys()]\n",  # unknown type: a custom keys()?
        "def f(d: Graph):\n    return [k for k in d.keys()]\n",
        "def f():\n    return [k for k in TABLE.keys()]\n",  # a global
        "def f(d: dict):\n    d = load()\n    return [k for k in d.keys()]\n",
        "def f(xs):\n    d = {}\n    for d in xs:\n        g(d.keys())\n    return 1 in d.keys()\n",
        "def f(xs):\n    d = {}\n    return [1 in d.keys() for d in xs]\n",
        "def f(*d: dict):\n    return 1 in d.keys()\n",  # a tuple of dicts
        "def f(xs):\n    dict = g\n    d = dict(xs)\n    return 1 in d.keys()\n",  # shadowed
        "def f(xs):\n    d = Counter(xs)\n    return 1 in d.keys()\n",  # Counter not imported
        "def f(d: dict):\n    del d\n    return 1 in d.keys()\n",
    ],
)
def test_does_not_fire_unless_the_name_is_provably_a_mapping(source: str) -> None:
    assert_not_fired(RULE, source)


@pytest.mark.parametrize(
    "source",
    [
        "def f(d: dict):\n    return d.keys()\n",  # the view itself is the result
        "def f(d: dict):\n    return 1 == d.keys()\n",
        "def f(d: dict):\n    return [k for k in d.keys(1)]\n",
        "async def f(d: dict):\n    async for k in d.keys():\n        pass\n",
    ],
)
def test_does_not_fire_where_the_view_is_used_otherwise(source: str) -> None:
    assert_not_fired(RULE, source)


SOURCE = """
def f(d: dict[str, int], probe: str):
    seen = []
    for k in d.keys():
        seen.append((k, k in d.keys(), probe not in d.keys()))
    return seen
"""


@given(st.dictionaries(st.text(max_size=2), st.integers()), st.text(max_size=2))
def test_same_keys_in_the_same_order(d: dict[str, int], probe: str) -> None:
    assert same_behaviour(RULE, SOURCE, "f", d, probe)


@given(st.dictionaries(st.text(max_size=2), st.integers(), min_size=1))
def test_resizing_while_iterating_raises_the_same(d: dict[str, int]) -> None:
    source = "def f(d: dict[str, int]):\n    for k in d.keys():\n        d[k + '!'] = 1\n"
    assert same_behaviour(RULE, source, "f", d)


def test_fires_on_format_report() -> None:
    module = cst.parse_module((WORDFREQ / "report.py").read_text())
    functions = (s for s in module.body if isinstance(s, cst.FunctionDef))
    function = next(f for f in functions if f.name.value == "format_report")
    rewrite = RULE.rewrite(function, module)
    assert rewrite is not None
    assert "    for word in counts:\n" in rewrite.source()


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("list(d.keys())", "list(d)"),
        ("tuple(d.keys())", "tuple(d)"),
        ("set(d.keys()) | frozenset(d.keys())", "set(d) | frozenset(d)"),
        ("sorted(d.keys(), reverse=True)", "sorted(d, reverse=True)"),
        ("len(d.keys())", "len(d)"),
    ],
)
def test_builtins_that_only_iterate_take_the_mapping(before: str, after: str) -> None:
    assert_rewrites(
        RULE,
        f"def f(d: dict[str, int]):\n    return {before}\n",
        f"def f(d: dict[str, int]):\n    return {after}\n",
    )


@pytest.mark.parametrize(
    "source",
    [
        "def f(d: dict):\n    return max(d.keys())\n",  # not in the list: leave it be
        "def f(d: dict, more):\n    return sorted(d.keys(), *more)\n",
        "def f(d: dict, k):\n    return list(d.keys(), k)\n",
        "def f(d: dict):\n    return list(key=d.keys())\n",
        "list = tuple\ndef f(d: dict):\n    return list(d.keys())\n",  # shadowed
    ],
)
def test_other_calls_keep_the_view(source: str) -> None:
    assert_not_fired(RULE, source)


@pytest.mark.parametrize(
    ("module", "body", "after"),
    [
        ("TABLE = {'k': 1}", "return x in TABLE.keys()", "return x in TABLE"),
        ("TABLE: dict[str, int] = load()", "return list(TABLE.keys())", "return list(TABLE)"),
        (
            "TABLE = {}",
            "units = TABLE\n    return x in units.keys()",
            "units = TABLE\n    return x in units",
        ),
        (
            "import collections\nTABLE = collections.OrderedDict()",
            "return x in TABLE.keys()",
            "return x in TABLE",
        ),
    ],
)
def test_module_level_mappings_bound_once_count(module: str, body: str, after: str) -> None:
    assert_rewrites(RULE, f"{module}\ndef f(x):\n    {body}\n", f"def f(x):\n    {after}\n")


def test_keyword_arguments_are_a_dict() -> None:
    assert_rewrites(
        RULE,
        "def f(**options):\n    return [k for k in options.keys()]\n",
        "def f(**options):\n    return [k for k in options]\n",
    )


@pytest.mark.parametrize(
    "module",
    [
        "TABLE = {}\nTABLE = load()",  # bound twice
        "TABLE = {}\ndef g():\n    global TABLE\n    TABLE = load()",
        "TABLE = {}\nclass C:\n    TABLE = []",  # any other binding in the module counts
        "if X:\n    TABLE = {}",  # not a top-level statement
        "TABLE = {}\nfrom m import *",
        "TABLE = {}\nglobals().update(TABLE=[])",
        "TABLE = [1]",
        "TABLE = load()",
        "from m import TABLE",
        "dict = list\nTABLE = dict()",
        "from collections import Counter\nCounter = list\nTABLE = Counter()",
        "from .collections import Counter\nTABLE = Counter()",
    ],
)
def test_module_names_bound_otherwise_are_not_mappings(module: str) -> None:
    assert_not_fired(RULE, f"{module}\ndef f(x):\n    return x in TABLE.keys()\n")


@pytest.mark.parametrize(
    "body",
    [
        "TABLE = load()\n    return x in TABLE.keys()",  # the function's own TABLE
        "units = other\n    return x in units.keys()",
        "units = TABLE\n    units = load()\n    return x in units.keys()",
        "def g():\n        return x in TABLE.keys()\n    TABLE = 1\n    return g",
    ],
)
def test_local_bindings_hide_the_module_mapping(body: str) -> None:
    assert_not_fired(RULE, f"TABLE = {{}}\ndef f(x, other):\n    {body}\n")


@given(st.dictionaries(st.text(max_size=2), st.integers()))
def test_builtins_see_the_same_keys(d: dict[str, int]) -> None:
    source = (
        "def f(d: dict[str, int]):\n    return list(d.keys()), sorted(d.keys()), len(d.keys())\n"
    )
    assert same_behaviour(RULE, source, "f", d)
