"""literal-membership-to-set: `x in [constants]` in a loop becomes a test against a frozenset."""

from __future__ import annotations

import libcst as cst

from ._blocks import compiles
from ._constants import constant_codes, frozenset_helper, helper_names
from ._facts import HASHABLE, Facts, ScopedFacts, gather_facts, kind_of
from .base import Rewrite, Rule


class LiteralMembershipToSet(Rule):
    """`x in [c1, c2, ...]` or `x not in (c1, ...)`, inside a loop body, a while loop or a
    comprehension, becomes `x in _RATCHET_<FUNC>_<N>` with the module-level helper
    `_RATCHET_<FUNC>_<N> = frozenset({c1, c2, ...})`.

    It fires only when every element is a constant literal (str, bytes, int, float, True,
    False, None, or a negated number) and `x` is provably a str, bytes, int, float, bool or None
    by the value-kind facts (see _facts). Nested defs, lambdas and classes are left alone.

    Why the behaviour is the same: for those types equality agrees with hashing, so "some element
    equals x" (the list scan) and "x hashes to an equal member" (the set probe) are the same
    test; True/1/1.0 hash alike and compare equal either way. An unhashable or oddly-equal `x`
    (a bytearray, an object whose __eq__ says yes to all) could tell them apart, which is why
    the kind of `x` must be proven. The elements are literals, so building them once changes
    nothing else.
    """

    name = "literal-membership-to-set"
    DESCRIPTION = __doc__ or ""

    def rewrite(self, function: cst.FunctionDef, module: cst.Module) -> Rewrite | None:
        membership = _Membership(function, gather_facts(function, module), module)
        new = function.with_changes(body=function.body.visit(membership))
        if not membership.helpers or not compiles(new):
            return None
        lines = [frozenset_helper(name, codes) for codes, name in membership.helpers.items()]
        return Rewrite(new, helpers=tuple(lines))


class _Membership(ScopedFacts):
    def __init__(self, function: cst.FunctionDef, facts: Facts, module: cst.Module) -> None:
        super().__init__(facts)
        self.loops, self.helpers = 0, dict[tuple[str, ...], str]()
        self.names = helper_names(function, module)

    def visit_For_body(self, node: cst.For) -> None:
        self.loops += 1

    def leave_For_body(self, node: cst.For) -> None:
        self.loops -= 1

    def visit_While(self, node: cst.While) -> None:
        self.loops += 1

    def leave_While(self, original_node: cst.While, updated_node: cst.While) -> cst.While:
        self.loops -= 1
        return updated_node

    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.Comparison:
        left, targets = updated_node.left, []
        for target in updated_node.comparisons:
            codes = constant_codes(target.comparator)
            if self._fires(target, left, codes):
                name = self.helpers.setdefault(codes, next(self.names))
                target = target.with_changes(comparator=cst.Name(name))
            targets.append(target)
            left = target.comparator
        return updated_node.with_changes(comparisons=targets)

    def _fires(
        self, target: cst.ComparisonTarget, left: cst.BaseExpression, codes: tuple[str, ...]
    ) -> bool:
        membership = isinstance(target.operator, (cst.In, cst.NotIn))
        literal = isinstance(target.comparator, (cst.List, cst.Tuple)) and bool(codes)
        repeated = self.loops > 0 or len(self.facts) > 1  # a loop body, or a comprehension's
        return membership and literal and repeated and kind_of(left, self.facts[-1]) in HASHABLE


RULE = LiteralMembershipToSet()
