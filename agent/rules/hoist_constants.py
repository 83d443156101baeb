"""hoist-constants: a constant built from literals on every call is built once, at import."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst
import libcst.matchers as m

from ._blocks import binding_counts, compiles, is_private, occurrences
from ._constants import constant_codes, frozenset_helper, helper_names
from ._regex import compiles_everywhere, literal_pattern, stdlib_re
from .base import Rewrite, Rule, builtin_is_free

_MEMBERSHIP = m.ComparisonTarget(operator=m.In() | m.NotIn())


class HoistConstants(Rule):
    """Moves to a module-level helper `_RATCHET_<FUNC>_<N>` (the function then names it):

    - `re.compile(<str or bytes literal>)`, optionally with flags that are `re.X` names, ints,
      or `|` of those (positional or `flags=`; not DEBUG, which prints while compiling): only
      when the module binds `re` by a top-level `import re` (before the function) and nowhere
      else, the function does not bind it, and the pattern compiles here without a warning and
      without 3.11-only syntax (else the original raises at call time on some interpreter and
      the hoisted one would raise at import; see _regex);
    - `frozenset(<display of constant literals>)` with `frozenset` the builtin;
    - `set(<display of constant literals>)` as the right operand of `in`/`not in`, and
      `name = set(<...>)` or `name = {<constant literals>}` when `name` is bound only there, is
      private to the function (no global/nonlocal, no nested def, lambda or class names it) and
      every other occurrence of it is the right operand of `in`/`not in` or the argument of
      `len()`: these become a frozenset.

    Nested defs, lambdas and classes are left alone. Why the behaviour is the same: literals
    build an equal value on every call; compiled patterns and frozensets are immutable; a set
    that is only tested for membership or measured answers exactly as the equal frozenset does,
    and no code can reach it to mutate it or ask its type.
    """

    name = "hoist-constants"
    DESCRIPTION = __doc__ or ""

    def rewrite(self, function: cst.FunctionDef, module: cst.Module) -> Rewrite | None:
        hoister = _Hoister(function, module)
        new = function.with_changes(body=function.body.visit(hoister))
        if not hoister.helpers or not compiles(new):
            return None
        imports = ("import re",) if hoister.uses_re else ()
        helpers = tuple(line for _, line in hoister.helpers.values())
        return Rewrite(new, imports=imports, helpers=helpers)


class _Hoister(cst.CSTTransformer):
    def __init__(self, function: cst.FunctionDef, module: cst.Module) -> None:
        super().__init__()
        self.function, self.helpers = function, dict[str, tuple[str, str]]()
        self.names = helper_names(function, module)
        self.free = {n for n in ("set", "frozenset", "len") if builtin_is_free(n, function, module)}
        self.regex, self.uses_re = stdlib_re(function, module), False

    def on_visit(self, node: cst.CSTNode) -> bool:
        nested = isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda))
        return not nested and super().on_visit(node)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        code = cst.Module([]).code_for_node(updated_node)
        if self.regex and _compiles_now(updated_node):
            self.uses_re = True
            return self._hoist(code, lambda name: f"{name} = {code}")
        if _constant_set(updated_node, "frozenset", self.free):
            return self._hoist(code, lambda name: f"{name} = {code}")
        return updated_node

    def leave_ComparisonTarget(
        self, original_node: cst.ComparisonTarget, updated_node: cst.ComparisonTarget
    ) -> cst.ComparisonTarget:
        value = updated_node.comparator
        if m.matches(updated_node, _MEMBERSHIP) and _constant_set(value, "set", self.free):
            return updated_node.with_changes(comparator=self._frozen(value))
        return updated_node

    def leave_Assign(self, original_node: cst.Assign, updated_node: cst.Assign) -> cst.Assign:
        value = updated_node.value
        if not m.matches(updated_node, m.Assign(targets=[m.AssignTarget(m.Name())])):
            return updated_node
        built = _constant_set(value, "set", self.free) or (
            isinstance(value, cst.Set) and constant_codes(value)
        )
        name = cst.ensure_type(updated_node.targets[0].target, cst.Name).value
        if built and _read_only(name, self.function, self.free):
            return updated_node.with_changes(value=self._frozen(value))
        return updated_node

    def _frozen(self, value: cst.BaseExpression) -> cst.Name:
        """The helper holding the frozenset of a constant set display or `set(<display>)`."""
        codes = constant_codes(value.args[0].value if isinstance(value, cst.Call) else value)
        return self._hoist(repr(codes), lambda name: frozenset_helper(name, codes))

    def _hoist(self, key: str, line: Callable[[str], str]) -> cst.Name:
        if key not in self.helpers:
            name = next(self.names)
            self.helpers[key] = (name, line(name))
        return cst.Name(self.helpers[key][0])


def _compiles_now(call: cst.Call) -> bool:
    """`re.compile(<literal>[, <flags>])` whose pattern compiles with those flags (see
    _regex.compiles_everywhere)."""
    arguments = _regex_arguments(call)
    return arguments is not None and compiles_everywhere(*arguments)


def _regex_arguments(call: cst.Call) -> tuple[cst.BaseExpression, cst.BaseExpression | None] | None:
    """(pattern, flags or None) of `re.compile(<string literal>[, flags])`, by position or name."""
    if not m.matches(call.func, m.Attribute(m.Name("re"), m.Name("compile"))):
        return None
    given = [a.keyword.value if a.keyword else None for a in call.args]
    if given not in ([None], [None, None], [None, "flags"], ["pattern"], ["pattern", "flags"]):
        return None
    if any(a.star for a in call.args):
        return None
    pattern = call.args[0].value
    if not literal_pattern(pattern):
        return None
    return pattern, call.args[1].value if len(call.args) == 2 else None


def _constant_set(expression: cst.BaseExpression, builtin: str, free: set[str]) -> bool:
    """`builtin(<display of constant literals>)`, with `builtin` not shadowed."""
    call = m.Call(func=m.Name(builtin), args=[m.Arg(keyword=None, star="")])
    if not {builtin, "frozenset"} <= free or not m.matches(expression, call):
        return False
    return bool(constant_codes(cst.ensure_type(expression, cst.Call).args[0].value))


def _read_only(name: str, function: cst.FunctionDef, free: set[str]) -> bool:
    """`name` is bound once, private, and otherwise only tested for membership or measured."""
    tests = m.findall(
        function, m.ComparisonTarget(operator=m.In() | m.NotIn(), comparator=m.Name(name))
    )
    measured = m.findall(
        function, m.Call(func=m.Name("len"), args=[m.Arg(m.Name(name), keyword=None, star="")])
    )
    uses = len(tests) + (len(measured) if "len" in free else 0)
    private = binding_counts(function)[name] == 1 and is_private(name, function)
    return private and occurrences(name, function) == 1 + uses


RULE = HoistConstants()
