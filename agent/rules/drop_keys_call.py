"""drop-keys-call: iterate and test a mapping itself instead of its `.keys()` view."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from ._blocks import binding_sites, spelled_names
from ._mappings import proven_mappings
from .base import Rewrite, Rule, builtin_is_free

_KEYS_CALL = m.Call(func=m.Attribute(value=m.Name(), attr=m.Name("keys")), args=[])
# Builtins that only iterate (or measure) their first argument: `list(d.keys())` is `list(d)`.
_CONSUMERS = ("list", "tuple", "set", "frozenset", "sorted", "len")


class DropKeysCall(Rule):
    """Fires on `for k in d.keys()` -> `for k in d` (a for statement or a comprehension clause,
    not `async`), on `k in d.keys()` / `k not in d.keys()` -> `k in d` / `k not in d`, and on
    `d.keys()` as the one positional argument of the builtins list, tuple, set, frozenset,
    sorted and len (`sorted(d.keys(), key=f)` -> `sorted(d, key=f)`), when `d` is a name that
    is provably a mapping: every place the function binds `d` (anywhere, nested scopes
    included) is either
      - a parameter or an annotated assignment whose annotation is `dict`, `Dict`, `Mapping`,
        `MutableMapping`, `Counter`, `defaultdict`, `DefaultDict` or `OrderedDict` (bare,
        subscripted or dotted, e.g. `collections.abc.Mapping[str, int]`), or `**kwargs`;
      - an assignment `d = <dict literal | dict comprehension | dict(...) | Counter(...) |
        defaultdict(...) | OrderedDict(...)>` where `dict` is the builtin and the others are
        imported from `collections` (`from collections import Counter`, or `collections.Counter`
        after `import collections`); no tuple unpacking; or `d = e` with `e` proven so;
    or the function binds `d` nowhere and the module binds it exactly once, at its top level,
    in one of those ways (`_UNITS = {"k": 1024}`). A `d` bound any other way (a loop target,
    `d |= ...`, `del d`, `global d`), or a global the module does not bind so, blocks the rule.

    Why the behaviour is the same: for a dict (and its subclasses, which do not override `keys`)
    `iter(d.keys())` and `iter(d)` yield the same keys in the same order and both raise the same
    RuntimeError when the loop resizes `d`; `k in d.keys()` is `d.__contains__(k)`; the
    builtins above only iterate their argument (len: `len(d.keys())` is `len(d)`). For any other
    `collections.abc.Mapping`, the mixin `keys()` is `KeysView(d)`, whose iteration and `in` defer
    to `iter(d)` and `k in d`. A mapping class with a `keys()` that disagrees with its iteration
    breaks the Mapping contract that the annotation promises; the gate replays the recorded
    arguments, so the real types passed at run time are checked too. The one evaluation of `d` is
    a name load either way; only the `keys()` call (a method lookup and a view object) is saved.
    """

    DESCRIPTION = __doc__ or ""
    name = "drop-keys-call"

    def rewrite(self, function: cst.FunctionDef, module: cst.Module) -> Rewrite | None:
        if "keys" not in spelled_names(function):
            return None
        mappings = proven_mappings(binding_sites(function), function, module)
        if not mappings:
            return None
        consumers = {name for name in _CONSUMERS if builtin_is_free(name, function, module)}
        transformer = _UseMapping(mappings, consumers)
        rewritten = cst.ensure_type(function.visit(transformer), cst.FunctionDef)
        return Rewrite(rewritten) if transformer.fired else None


class _UseMapping(cst.CSTTransformer):
    def __init__(self, mappings: set[str], consumers: set[str]) -> None:
        super().__init__()
        self.mappings, self.consumers = mappings, consumers
        self.fired = False

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        func, args = updated_node.func, updated_node.args
        if not isinstance(func, cst.Name) or func.value not in self.consumers or not args:
            return updated_node
        first, rest = args[0], args[1:]
        if first.keyword or first.star or any(not arg.keyword for arg in rest):
            return updated_node  # only `f(d.keys())`, or sorted's keywords after it
        if func.value != "sorted" and rest:
            return updated_node
        return updated_node.with_changes(
            args=[first.with_changes(value=self._without_keys(first.value)), *rest]
        )

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
