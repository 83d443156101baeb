"""drop-keys-call: iterate and test a mapping itself instead of its `.keys()` view."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from ._blocks import binding_sites
from ._mappings import proven_mappings
from .base import Rewrite, Rule

_KEYS_CALL = m.Call(func=m.Attribute(value=m.Name(), attr=m.Name("keys")), args=[])


class DropKeysCall(Rule):
    """Fires on `for k in d.keys()` -> `for k in d` (a for statement or a comprehension clause,
    not `async`), and on `k in d.keys()` / `k not in d.keys()` -> `k in d` / `k not in d`, when
    `d` is a name that is provably a mapping: every place the function binds `d` (anywhere,
    nested scopes included) is either
      - a parameter or an annotated assignment whose annotation is `dict`, `Dict`, `Mapping`,
        `MutableMapping`, `Counter`, `defaultdict`, `DefaultDict` or `OrderedDict` (bare,
        subscripted or dotted, e.g. `collections.abc.Mapping[str, int]`), or
      - an assignment `d = <dict literal | dict comprehension | dict(...) | Counter(...) |
        defaultdict(...) | OrderedDict(...)>` where `dict` is the builtin and the others are
        imported from `collections` (`from collections import Counter`, or `collections.Counter`
        after `import collections`); no tuple unpacking.
    A global `d`, or one bound any other way (a loop target, `d |= ...`, `del d`, `global d`),
    blocks the rule.

    Why the behaviour is the same: for a dict (and its subclasses, which do not override `keys`)
    `iter(d.keys())` and `iter(d)` yield the same keys in the same order and both raise the same
    RuntimeError when the loop resizes `d`; `k in d.keys()` is `d.__contains__(k)`. For any other
    `collections.abc.Mapping`, the mixin `keys()` is `KeysView(d)`, whose iteration and `in` defer
    to `iter(d)` and `k in d`. A mapping class with a `keys()` that disagrees with its iteration
    breaks the Mapping contract that the annotation promises; the gate replays the recorded
    arguments, so the real types passed at run time are checked too. The one evaluation of `d` is
    a name load either way; only the `keys()` call (a method lookup and a view object) is saved.
    """

    DESCRIPTION = __doc__ or ""
    name = "drop-keys-call"

    def rewrite(self, function: cst.FunctionDef, module: cst.Module) -> Rewrite | None:
        mappings = proven_mappings(binding_sites(function), function, module)
        if not mappings:
            return None
        transformer = _UseMapping(mappings)
        rewritten = cst.ensure_type(function.visit(transformer), cst.FunctionDef)
        return Rewrite(rewritten) if transformer.fired else None


class _UseMapping(cst.CSTTransformer):
    def __init__(self, mappings: set[str]) -> None:
        super().__init__()
        self.mappings = mappings
        self.fired = False

    def leave_For(self, original_node: cst.For, updated_node: cst.For) -> cst.For:
        if updated_node.asynchronous:
            return updated_node
        return updated_node.with_changes(iter=self._without_keys(updated_node.iter))

    def leave_CompFor(self, original_node: cst.CompFor, updated_node: cst.CompFor) -> cst.CompFor:
        if updated_node.asynchronous:
            return updated_node
        return updated_node.with_changes(iter=self._without_keys(updated_node.iter))

    def leave_ComparisonTarget(
        self, original_node: cst.ComparisonTarget, updated_node: cst.ComparisonTarget
    ) -> cst.ComparisonTarget:
        if not m.matches(updated_node.operator, m.In() | m.NotIn()):
            return updated_node
        return updated_node.with_changes(comparator=self._without_keys(updated_node.comparator))

    def _without_keys(self, expression: cst.BaseExpression) -> cst.BaseExpression:
        if not m.matches(expression, _KEYS_CALL):
            return expression
        call = cst.ensure_type(expression, cst.Call)
        mapping = cst.ensure_type(cst.ensure_type(call.func, cst.Attribute).value, cst.Name)
        if mapping.value not in self.mappings:
            return expression
        self.fired = True
        return mapping.with_changes(lpar=call.lpar, rpar=call.rpar)


RULE = DropKeysCall()
