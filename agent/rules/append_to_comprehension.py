"""append-to-comprehension: an empty list filled by a plain `append` loop becomes a comprehension."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from ._blocks import (
    Statements,
    assignment,
    compiles,
    is_private,
    occurrences,
    only,
    rewrite_blocks,
    rewrite_pairs,
    target_names,
    with_value,
)
from .base import Rewrite, Rule

_SCOPE_READERS = frozenset({"super", "locals", "vars", "dir", "eval", "exec"})
# Unparenthesized, these would bind differently in a comprehension's element, or its clauses.
_LOOSE_ELEMENT = (cst.Tuple, cst.GeneratorExp, cst.Yield)
_LOOSE = (cst.IfExp, cst.Lambda, *_LOOSE_ELEMENT)


class AppendToComprehension(Rule):
    """`acc = []` directly followed by `for t in it: acc.append(e)`, or by the same loop with the
    append under one `if c:` (no elif/else), becomes `acc = [e for t in it if c]`.

    It fires only when: the loop is a plain `for` (not async, no `else`); its body is that one
    statement; `acc` occurs nowhere in the loop but as the append receiver, is not declared
    global/nonlocal and is not named in a nested def, lambda or class (so nothing can observe the
    half-built list); the target is a name or tuple of names that occur nowhere else in the
    function (a comprehension does not leak them); the loop holds no yield, await, walrus, nor
    the scope-sensitive names super/locals/vars/dir/eval/exec; and the statements are not under
    try or with (an exception would leave `acc` unbound instead of half-filled).

    Why the behaviour is the same: the comprehension evaluates `it` once, then `c` and `e` per
    element in the same order, and appends to a fresh list exactly as `list.append` does; `acc`
    is a fresh list, so `acc.append` is the real list method.
    """

    name = "append-to-comprehension"
    DESCRIPTION = __doc__ or ""

    def rewrite(self, function: cst.FunctionDef, module: cst.Module) -> Rewrite | None:
        def pair(init: cst.BaseStatement, loop: cst.BaseStatement) -> Statements | None:
            return _comprehend(init, loop, function)

        new = rewrite_blocks(function, lambda body: rewrite_pairs(body, pair))
        return Rewrite(new) if new is not None and compiles(new) else None


def _comprehend(
    init: cst.BaseStatement, loop: cst.BaseStatement, function: cst.FunctionDef
) -> Statements | None:
    bound = assignment(init)
    if bound is None or not m.matches(bound[1], m.List(elements=[])):
        return None
    if not isinstance(loop, cst.For) or not _plain_loop(loop, bound[0], function):
        return None
    parts = _appended(loop, bound[0])
    if parts is None:
        return None
    element, condition = parts
    ifs = [cst.CompIf(_grouped(condition, _LOOSE))] if condition is not None else []
    clause = cst.CompFor(target=loop.target, iter=_grouped(loop.iter, _LOOSE), ifs=ifs)
    comprehension = cst.ListComp(elt=_grouped(element, _LOOSE_ELEMENT), for_in=clause)
    line = with_value(init, comprehension)
    return [line.with_changes(leading_lines=[*line.leading_lines, *loop.leading_lines])]


def _plain_loop(loop: cst.For, acc: str, function: cst.FunctionDef) -> bool:
    targets = target_names(loop.target)
    simple = m.matches(
        loop.target, m.Name() | m.Tuple(elements=[m.AtLeastN(m.Element(m.Name()), n=1)])
    )
    leaks = any(occurrences(t, function) != occurrences(t, loop) for t in targets)
    hazards = m.findall(loop, m.Yield() | m.Await() | m.NamedExpr())
    readers = any(occurrences(name, loop) for name in _SCOPE_READERS)
    return (
        loop.asynchronous is None and loop.orelse is None and simple and not leaks
        and not hazards and not readers and occurrences(acc, loop) == 1
        and is_private(acc, function)
    )  # fmt: skip


def _appended(
    loop: cst.For, acc: str
) -> tuple[cst.BaseExpression, cst.BaseExpression | None] | None:
    """(e, c) when the loop body is `acc.append(e)`, optionally under `if c:`."""
    statement = only(loop.body)
    condition = None
    if isinstance(statement, cst.If) and statement.orelse is None:
        condition, statement = statement.test, only(statement.body)
    append = m.Call(
        func=m.Attribute(m.Name(acc), m.Name("append")), args=[m.Arg(keyword=None, star="")]
    )
    if not isinstance(statement, cst.Expr) or not m.matches(statement.value, append):
        return None
    return cst.ensure_type(statement.value, cst.Call).args[0].value, condition


def _grouped(
    expression: cst.BaseExpression, loose: tuple[type[cst.BaseExpression], ...]
) -> cst.BaseExpression:
    """Parenthesize what a comprehension would otherwise parse differently."""
    if isinstance(expression, loose) and not expression.lpar:
        return expression.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return expression


RULE = AppendToComprehension()
