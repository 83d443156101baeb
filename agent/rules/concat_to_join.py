"""concat-to-join: a string built by `+=` in a loop is built from a list of parts, joined once."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from ._blocks import (
    Statements,
    assignment,
    compiles,
    fresh_name,
    is_private,
    occurrences,
    rewrite_blocks,
    rewrite_pairs,
    with_value,
)
from ._facts import Facts, gather_facts, kind_of
from .base import Rewrite, Rule


class ConcatToJoin(Rule):
    """`s = <start>` directly followed by a `for` or `while` loop in which `s` occurs only as the
    target of `s += <part>` statements (at any depth: under if/elif/else, inner loops, in the
    loop's else) becomes `s_parts = [<start>]` (or `[]` when start is ""), the same loop with
    each `s += <part>` replaced by `s_parts.append(<part>)`, then `s = "".join(s_parts)`.

    It fires only when the start and every part are provably str (see the value-kind facts in
    _facts: str literals, f-strings, str()/repr() calls, str methods on str values, `"..." % x`,
    str + str, str * int, items of a str or of `.split()`, parameters annotated str); when `s` is
    not declared global/nonlocal nor named in a nested def, lambda or class; and when the
    statements are not under try or with.

    Why the behaviour is the same: with str operands `+=` is concatenation, which is associative,
    so start + p1 + p2 + ... equals "".join([start, p1, p2, ...]); every part is evaluated at the
    same point, in the same order, by the same untouched control flow; nothing reads `s` inside
    the loop, so its intermediate values were unobservable; and str concatenation cannot raise
    (a non-str part could have reached an `__radd__`, which is why parts must be proven str).
    If the loop raises, `s` dies with the frame in both versions.
    """

    name = "concat-to-join"
    DESCRIPTION = __doc__ or ""

    def rewrite(self, function: cst.FunctionDef, module: cst.Module) -> Rewrite | None:
        facts = gather_facts(function, module)

        def pair(init: cst.BaseStatement, loop: cst.BaseStatement) -> Statements | None:
            return _join(init, loop, function, module, facts)

        new = rewrite_blocks(function, lambda body: rewrite_pairs(body, pair))
        return Rewrite(new) if new is not None and compiles(new) else None


def _join(
    init: cst.BaseStatement,
    loop: cst.BaseStatement,
    function: cst.FunctionDef,
    module: cst.Module,
    facts: Facts,
) -> Statements | None:
    bound = assignment(init)
    if bound is None or not isinstance(loop, (cst.For, cst.While)):
        return None
    text, start = bound
    if not _only_str_additions(loop, text, facts) or kind_of(start, facts) != "str":
        return None
    if not is_private(text, function):
        return None
    parts = fresh_name(f"{text}_parts", function, module)
    empty = isinstance(start, cst.SimpleString) and start.evaluated_value == ""
    first = cst.List([] if empty else [cst.Element(start)])
    collect = cst.Assign(targets=[cst.AssignTarget(cst.Name(parts))], value=first)
    line = cst.ensure_type(init, cst.SimpleStatementLine).with_changes(body=[collect])
    collected = cst.ensure_type(loop.visit(_Appends(text, parts)), type(loop))
    joined = with_value(init, cst.parse_expression(f'"".join({parts})'))
    return [line, collected, joined.with_changes(leading_lines=[])]


def _only_str_additions(loop: cst.For | cst.While, text: str, facts: Facts) -> bool:
    """`text` occurs in the loop only as the target of `text += <provably str>`."""
    adds = m.findall(loop, m.AugAssign(target=m.Name(text), operator=m.AddAssign()))
    parts = [cst.ensure_type(add, cst.AugAssign).value for add in adds]
    proven = all(kind_of(part, facts) == "str" for part in parts)
    return bool(adds) and proven and occurrences(text, loop) == len(adds)


class _Appends(cst.CSTTransformer):
    def __init__(self, text: str, parts: str) -> None:
        super().__init__()
        self.text, self.parts = text, parts

    def leave_AugAssign(
        self, original_node: cst.AugAssign, updated_node: cst.AugAssign
    ) -> cst.BaseSmallStatement:
        if not m.matches(updated_node.target, m.Name(self.text)):
            return updated_node
        append = cst.Attribute(cst.Name(self.parts), cst.Name("append"))
        call = cst.Call(append, [cst.Arg(updated_node.value)])
        return cst.Expr(call, semicolon=updated_node.semicolon)


RULE = ConcatToJoin()
