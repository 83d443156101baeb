"""Helpers for rule tests: before/after pairs, must-not-fire cases, and same-behaviour checks."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import libcst as cst
from hypothesis import settings

from agent.rules.base import Rewrite, Rule
from agent.rules.proposer import apply_rule

# Each Hypothesis example re-runs the rule (same_behaviour), so no per-example deadline.
PROPERTY = settings(deadline=None, max_examples=60)
EXAMPLE = Path(__file__).parents[2] / "tasks" / "example" / "wordfreq"


def example(file: str, name: str) -> str:
    """The bundled example module's text with `name` as its only function."""
    module = cst.parse_module((EXAMPLE / file).read_text())
    keep = [s for s in module.body if not isinstance(s, cst.FunctionDef) or s.name.value == name]
    return module.with_changes(body=keep).code


def _function(module: cst.Module) -> cst.FunctionDef:
    for statement in module.body:
        if isinstance(statement, cst.FunctionDef):
            return statement
    for statement in module.body:  # no function: the first class's first method
        if isinstance(statement, cst.ClassDef):
            methods = [s for s in statement.body.body if isinstance(s, cst.FunctionDef)]
            return methods[0]
    raise AssertionError("the test source defines no function")


def run_rule(rule: Rule, source: str) -> Rewrite | None:
    """Apply `rule` to the first function in `source` (a whole module's text), or when it has
    none, to the first method of its first class."""
    module = cst.parse_module(textwrap.dedent(source))
    return rule.rewrite(_function(module), module)


def assert_rewrites(rule: Rule, before: str, after: str) -> Rewrite:
    """The rule fires on `before` and its candidate text (imports, helpers, def) equals `after`."""
    rewrite = run_rule(rule, before)
    assert rewrite is not None, f"{rule.name} did not fire"
    assert rewrite.source().strip() == textwrap.dedent(after).strip(), rewrite.source()
    return rewrite


def assert_not_fired(rule: Rule, source: str) -> None:
    assert run_rule(rule, source) is None, f"{rule.name} fired but must not"


def load(source: str, name: str) -> Any:
    """Execute module source text and return its function `name`."""
    namespace: dict[str, Any] = {"__name__": "ratchet_rule_test"}
    exec(compile(textwrap.dedent(source), "<rule-test>", "exec"), namespace)
    return namespace[name]


def outcome(function: Any, *args: Any) -> tuple[str, Any]:
    """("ok", result) or ("raised", exception type name): what a call did, comparable."""
    try:
        return "ok", function(*args)
    except Exception as exc:
        return "raised", type(exc).__name__


def same_behaviour(rule: Rule, source: str, name: str, *args: Any) -> bool:
    """The original and the rewritten function agree on these arguments (result or exception)."""
    rewrite = run_rule(rule, source)
    assert rewrite is not None, f"{rule.name} did not fire"
    helpers = "\n".join([*rewrite.imports, *rewrite.helpers])
    module = cst.parse_module(textwrap.dedent(source))
    rest = [s for s in module.body if not (isinstance(s, cst.FunctionDef) and s.name.value == name)]
    context = cst.Module(body=rest).code
    before = load(source, name)
    after = load(context + "\n" + helpers + "\n\n" + rewrite.source(), name)
    return outcome(before, *args) == outcome(after, *args)


def same_method_behaviour(rule: Rule, source: str, qualname: str, *args: Any) -> bool:
    """Like same_behaviour for a method `Class.method`, called without arguments on
    `Class(*args)`; the rewritten module is the whole text the proposer makes."""
    source = textwrap.dedent(source)
    rewritten = apply_rule(rule, source, qualname, "<rule-test>")
    assert isinstance(rewritten, str), f"{rule.name} did not fire: {rewritten}"
    class_name, method = qualname.split(".")
    before, after = (load(text, class_name) for text in (source, rewritten))
    return outcome(lambda: getattr(before(*args), method)()) == outcome(
        lambda: getattr(after(*args), method)()
    )
