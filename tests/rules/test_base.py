"""base: which names a module or function binds, and the candidate text a Rewrite prints."""

from __future__ import annotations

import libcst as cst
import pytest

from agent.rules.base import Rewrite, assigned_names, builtin_is_free


def _function(source: str) -> cst.FunctionDef:
    return cst.ensure_type(cst.parse_module(source).body[-1], cst.FunctionDef)


@pytest.mark.parametrize(
    ("source", "name"),
    [
        pytest.param("x = y = 1", "y", id="assignment"),
        pytest.param("for a, *b in c: pass", "b", id="for-target"),
        pytest.param("with open(p) as (f, g): pass", "g", id="with-as"),
        pytest.param("def f(x, *args): pass", "args", id="parameter"),
        pytest.param("class C: pass", "C", id="class"),
        pytest.param("import os.path", "os", id="dotted-import"),
        pytest.param("from os import sep as s", "s", id="import-as"),
        pytest.param("def f():\n    global g", "g", id="global"),
        pytest.param("x.attr = 1", "x", id="any-name-in-a-target"),
        pytest.param("try: pass\nexcept E as err: pass", "err", id="except-as"),
        pytest.param("try: pass\nexcept* E as err: pass", "err", id="except-star-as"),
        pytest.param("del a", "a", id="del"),
        pytest.param("del a, (b, c)", "c", id="del-tuple"),
        pytest.param("match v:\n    case y: pass", "y", id="match-capture"),
        pytest.param("match v:\n    case [1, _] as y: pass", "y", id="match-as"),
        pytest.param("match v:\n    case [x, *rest]: pass", "rest", id="match-star"),
        pytest.param("match v:\n    case {'k': x, **rest}: pass", "rest", id="match-mapping-rest"),
        pytest.param("match v:\n    case P(x=px): pass", "px", id="match-class-keyword"),
    ],
)
def test_assigned_names_finds_every_binding(source: str, name: str) -> None:
    assert name in assigned_names(cst.parse_module(source))


@pytest.mark.parametrize(
    "source",
    [
        "match v:\n    case _: pass",
        "match v:\n    case [*_]: pass",
        "match v:\n    case {'k': 1}: pass",
        "try: pass\nexcept E: pass",
    ],
)
def test_wildcards_and_bare_excepts_bind_nothing(source: str) -> None:
    assert assigned_names(cst.parse_module(source)) == set()


def test_star_import_is_marked() -> None:
    assert "*" in assigned_names(cst.parse_module("from os import *"))


@pytest.mark.parametrize(
    "body",
    [
        "    try:\n        pass\n    except E as len:\n        pass\n",
        "    del len\n",
        "    match xs:\n        case [*len]:\n            pass\n",
        "    match xs:\n        case {**len}:\n            pass\n",
    ],
)
def test_a_builtin_rebound_by_except_del_or_match_is_not_free(body: str) -> None:
    source = f"def f(xs):\n{body}    return len(xs)\n"
    module = cst.parse_module(source)
    assert not builtin_is_free("len", _function(source), module)


def test_an_unbound_builtin_is_free() -> None:
    source = "def f(xs):\n    return len(xs)\n"
    assert builtin_is_free("len", _function(source), cst.parse_module(source))


def test_source_puts_two_blank_lines_between_helpers_and_the_def() -> None:
    function = _function("import os\n\n\n\n\ndef f():\n    return _A\n")
    rewrite = Rewrite(function, imports=("import re",), helpers=("_A = 1",))
    assert rewrite.source() == "import re\n_A = 1\n\n\ndef f():\n    return _A\n"


def test_source_keeps_a_comment_above_the_def() -> None:
    function = _function("import os\n\n\n# Why f.\n\ndef f():\n    return _A\n")
    rewrite = Rewrite(function, helpers=("_A = 1",))
    expected = "_A = 1\n\n\n# Why f.\n\ndef f():\n    return _A\n"
    assert rewrite.source() == expected


def test_source_without_helpers_is_the_function_alone() -> None:
    source = "def f():\n    return 1\n"
    assert Rewrite(_function(source)).source() == source
