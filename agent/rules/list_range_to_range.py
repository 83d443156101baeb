"""list-range-to-range: loop over a range directly instead of over a list copy of it."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from ._blocks import spelled_names
from .base import Rewrite, Rule, builtin_is_free

_LIST_OF_RANGE = m.Call(
    func=m.Name("list"),
    args=[m.Arg(m.Call(func=m.Name("range")), keyword=None, star="")],
)


class ListRangeToRange(Rule):
    """Fires on `for i in list(range(...)):` -> `for i in range(...):`, and on the same `in`
    clause of a list, set or dict comprehension or a generator expression, when `list` and
    `range` are the builtins (nothing in the module or the function binds them), `list` gets
    exactly that one positional argument, and the loop is not `async`.

    Why the behaviour is the same: the list is anonymous, so the loop's iterator is the only
    thing that ever sees it: it is iterated exactly once, front to back, and nothing can mutate
    it. A range yields the same ints in the same order. `range(...)` and its arguments are
    evaluated once in both forms, at the same point, so a bad argument raises the same
    TypeError or ValueError. Only the copy goes: its allocation, its memory (a MemoryError the
    original could hit on a huge range is the one outcome that can change, for the better).
    """

    DESCRIPTION = __doc__ or ""
    name = "list-range-to-range"

    def rewrite(self, function: cst.FunctionDef, module: cst.Module) -> Rewrite | None:
        if not {"list", "range"} <= spelled_names(function):
            return None
        if not (
            builtin_is_free("list", function, module) and builtin_is_free("range", function, module)
        ):
            return None
        transformer = _IterateRange()
        rewritten = cst.ensure_type(function.visit(transformer), cst.FunctionDef)
        return Rewrite(rewritten) if transformer.fired else None


class _IterateRange(cst.CSTTransformer):
    def __init__(self) -> None:
        super().__init__()
        self.fired = False

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        if updated_node.asynchronous:
            return updated_node
        return updated_node.with_changes(iter=self._unwrap(updated_node.iter))

    def leave_CompFor(self, original_node: cst.CompFor, updated_node: cst.CompFor) -> cst.CompFor:
        if updated_node.asynchronous:
            return updated_node
        return updated_node.with_changes(iter=self._unwrap(updated_node.iter))

    def _unwrap(self, iterable: cst.BaseExpression) -> cst.BaseExpression:
        if not m.matches(iterable, _LIST_OF_RANGE):
            return iterable
        self.fired = True
        call = cst.ensure_type(iterable, cst.Call)
        inner = call.args[0].value
        return inner.with_changes(lpar=[*call.lpar, *inner.lpar], rpar=[*inner.rpar, *call.rpar])


RULE = ListRangeToRange()
