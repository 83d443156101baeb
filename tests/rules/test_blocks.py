"""_blocks: where each name of a function is bound."""

from __future__ import annotations

import libcst as cst

from agent.rules._blocks import binding_counts, binding_sites


def _function(source: str) -> cst.FunctionDef:
    return cst.ensure_type(cst.parse_module(source).body[0], cst.FunctionDef)


def test_every_binding_of_a_name_is_a_site() -> None:
    function = _function("def f(x):\n    x += 1\n    for x in y:\n        del x\n")
    kinds = [type(site).__name__ for site in binding_sites(function)["x"]]
    assert kinds == ["Param", "AugAssign", "For", "Del"]


def test_match_captures_and_except_names_are_bindings() -> None:
    source = "def f(v):\n    match v:\n        case {**d}:\n            pass\n        case [*d]:\n            pass\n    try:\n        pass\n    except* E as d:\n        pass\n"
    assert binding_counts(_function(source))["d"] == 3


def test_comprehension_variables_can_be_left_out() -> None:
    function = _function("def f(xs):\n    x = 1\n    return [x for x in xs]\n")
    assert len(binding_sites(function)["x"]) == 2
    assert len(binding_sites(function, comprehensions=False)["x"]) == 1
