"""invariant-list-to-set: membership tests on a list inside a loop go to a set kept equal to it."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
import libcst.matchers as m

from ._blocks import (
    Statements,
    assignment,
    compiles,
    fresh_name,
    is_private,
    names_in,
    occurrences,
    rewrite_blocks,
)
from ._facts import HASHABLE, Facts, ScopedFacts, element_kind, gather_facts, kind_of
from .base import Rewrite, Rule, builtin_is_free

_LIST_BUILDERS = frozenset({"list", "sorted"})


class InvariantListToSet(Rule):
    """A list `L` assigned (`L = ...`) earlier in the same block as a `for`/`while` loop, and not
    named by the statements in between, gets a shadow set: `L_set = set(L)` just before the loop;
    in the loop every `x in L` / `x not in L` tests `L_set` instead, and every `L.append(y)`
    statement is preceded by `L_set.add(y)`. Without appends this is the loop-invariant list;
    with them it is the "seen list" of order-keeping dedupe loops, whose list still gets exactly
    the same appends in the same order, so the order it records is unchanged.

    It fires only when: L's value is a list display (possibly empty), a list comprehension,
    `list(...)`/`sorted(...)` or a str `.split()`, whose items are provably str, bytes, int,
    float, bool or None (value-kind facts in _facts); inside the loop L occurs only as the right
    operand of those tests, each with a left operand provably of one of those kinds, and as the
    receiver of those appends, each of a name or literal of one of those kinds; at least one
    test is rewritten; no test sits in a generator expression (it could run after the loop); L
    is not declared global/nonlocal nor named in a nested def, lambda or class; `set` is the
    builtin; and the statements are not under try or with.

    Why the behaviour is the same: `L_set == set(L)` holds at every test — it starts as set(L),
    L changes in the loop only by those appends, each mirrored just before, and nothing else can
    reach L. For those kinds equality agrees with hashing, so `x in L` and `x in set(L)` agree
    (True/1/1.0 included); items are hashable, so `set(L)` cannot raise, and L is a list, so
    building it consumes nothing and every append succeeds.
    """

    name = "invariant-list-to-set"
    DESCRIPTION = __doc__ or ""

    def rewrite(self, function: cst.FunctionDef, module: cst.Module) -> Rewrite | None:
        if not builtin_is_free("set", function, module):
            return None
        facts = gather_facts(function, module)

        def block(body: Statements) -> Statements | None:
            return _shadow_lists(body, function, module, facts)

        new = rewrite_blocks(function, block)
        return Rewrite(new) if new is not None and compiles(new) else None


def _shadow_lists(
    body: Statements, function: cst.FunctionDef, module: cst.Module, facts: Facts
) -> Statements | None:
    out: Statements = []
    for index, statement in enumerate(body):
        if isinstance(statement, (cst.For, cst.While)):
            out.extend(_shadowed(statement, body[:index], function, module, facts))
        else:
            out.append(statement)
    return out if len(out) > len(body) else None


def _shadowed(
    loop: cst.For | cst.While,
    before: Statements,
    function: cst.FunctionDef,
    module: cst.Module,
    facts: Facts,
) -> Statements:
    """The loop, preceded by a `<list>_set = set(<list>)` for each list it now tests through it."""
    made: Statements = []
    for listed, empty in _candidates(before, facts):
        shadow = fresh_name(f"{listed}_set", function, module)
        mirrored = _mirror(loop, listed, shadow, function, facts)
        if mirrored is not None:
            loop = mirrored
            start = "set()" if empty else f"set({listed})"  # empty: nothing named it since
            made.append(cst.parse_statement(f"{shadow} = {start}\n"))
    if not made:
        return [loop]
    first = cst.ensure_type(made[0], cst.SimpleStatementLine)
    made[0] = first.with_changes(leading_lines=loop.leading_lines)
    return [*made, loop.with_changes(leading_lines=[])]


def _candidates(before: Statements, facts: Facts) -> list[tuple[str, bool]]:
    """Names assigned a list of hashable items in `before`, unnamed by the statements after;
    each with whether that list is the empty display."""
    found: list[tuple[str, bool]] = []
    later: set[str] = set()
    for statement in reversed(before):
        bound = assignment(statement)
        if bound and bound[0] not in later and _is_list(bound[1], facts):
            empty = m.matches(bound[1], m.List(elements=[]))
            if empty or element_kind(bound[1], facts) in HASHABLE:
                found.append((bound[0], empty))
        later |= names_in(statement)
    return found


def _is_list(value: cst.BaseExpression, facts: Facts) -> bool:
    if isinstance(value, (cst.List, cst.ListComp)):
        return True
    if not isinstance(value, cst.Call):
        return False
    if isinstance(value.func, cst.Name):
        return value.func.value in _LIST_BUILDERS and value.func.value in facts.builtins
    splits = ("split", "rsplit", "splitlines")  # element_kind then proves a str/bytes receiver
    return isinstance(value.func, cst.Attribute) and value.func.attr.value in splits


def _mirror(
    loop: cst.For | cst.While, listed: str, shadow: str, function: cst.FunctionDef, facts: Facts
) -> cst.For | cst.While | None:
    """The loop testing `shadow` and mirroring appends; None when that cannot be proven."""
    if not is_private(listed, function):
        return None
    mirror = _Mirror(listed, shadow, facts)
    new = cst.ensure_type(loop.visit(mirror), type(loop))
    if mirror.tests == 0 or mirror.tests + mirror.appends != occurrences(listed, loop):
        return None
    return new


class _Mirror(ScopedFacts):
    def __init__(self, listed: str, shadow: str, facts: Facts) -> None:
        super().__init__(facts)
        self.listed, self.shadow, self.tests, self.appends = listed, shadow, 0, 0

    def visit_GeneratorExp(self, node: cst.GeneratorExp) -> bool:
        return False  # lazy: a test in it could run after the loop, against a stale shadow

    def leave_Comparison(
        self, original_node: cst.Comparison, updated_node: cst.Comparison
    ) -> cst.Comparison:
        left, targets = updated_node.left, []
        for target in updated_node.comparisons:
            membership = isinstance(target.operator, (cst.In, cst.NotIn))
            if (
                membership
                and m.matches(target.comparator, m.Name(self.listed))
                and self._hashable(left)
            ):
                target = target.with_changes(comparator=cst.Name(self.shadow))
                self.tests += 1
            left = target.comparator
            targets.append(target)
        return updated_node.with_changes(comparisons=targets)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        body = self._mirrored(updated_node.body)
        if len(updated_node.body) != 1 or len(body) == 1:
            return updated_node.with_changes(body=body)
        add = cst.SimpleStatementLine([body[0]], leading_lines=updated_node.leading_lines)
        return cst.FlattenSentinel([add, updated_node.with_changes(leading_lines=[])])

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        return updated_node.with_changes(body=self._mirrored(updated_node.body))

    def _mirrored(self, body: Sequence[cst.BaseSmallStatement]) -> list[cst.BaseSmallStatement]:
        out: list[cst.BaseSmallStatement] = []
        append = m.Call(
            m.Attribute(m.Name(self.listed), m.Name("append")), [m.Arg(keyword=None, star="")]
        )
        for small in body:
            if isinstance(small, cst.Expr) and m.matches(small.value, append):
                item = cst.ensure_type(small.value, cst.Call).args[0].value
                plain = isinstance(item, (cst.Name, cst.SimpleString, cst.Integer, cst.Float))
                if plain and self._hashable(item):
                    add = cst.Attribute(cst.Name(self.shadow), cst.Name("add"))
                    out.append(cst.Expr(cst.Call(add, [cst.Arg(item)])))
                    self.appends += 1
            out.append(small)
        return out

    def _hashable(self, expression: cst.BaseExpression) -> bool:
        return kind_of(expression, self.facts[-1]) in HASHABLE


RULE = InvariantListToSet()
