"""counting-loop-to-counter: a dict of occurrence counts built by hand becomes a Counter's dict."""

from __future__ import annotations

from dataclasses import dataclass

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
    with_value,
)
from ._facts import Facts, element_kind, gather_facts
from ._imports import reach
from .base import Rewrite, Rule, builtin_is_free

# Iterables that are never a Mapping (Counter(mapping) would copy its values as counts).
_NOT_MAPPINGS = (cst.List, cst.Tuple, cst.Set, cst.ListComp, cst.SetComp, cst.GeneratorExp)
_ITERATOR_BUILTINS = frozenset({"range", "zip", "enumerate", "map", "filter", "reversed", "sorted", "iter"})  # fmt: skip


class CountingLoopToCounter(Rule):
    """`d = {}` (or `d = dict()`) directly followed by `for w in it:` whose whole body is one of
    `if w in d: d[w] += 1 / else: d[w] = 1`, `if w not in d: d[w] = 1 / else: d[w] += 1`, or
    `d[w] = d.get(w, 0) + 1`, becomes `d = dict(collections.Counter(it))` (annotation kept).

    It fires only when: the loop is a plain `for` (not async, no `else`) over a single name `w`
    that occurs nowhere else in the function (the loop no longer binds it); `d` does not occur in
    `it`, is not declared global/nonlocal and is not named in a nested def, lambda or class (so
    nothing observes the dict half-counted); `dict` is the builtin; `Counter` is reachable as the
    module's own `from collections import Counter`, or else as `collections.Counter` with
    `import collections` added (when the module binds `collections` only by importing it); and
    the statements are not under try or with. When `it` is not provably a non-mapping (a
    display, comprehension, str, or range/zip/map/... call) it is passed as `iter(it)`, since
    `Counter(mapping)` would take the mapping's values as counts.

    Why the behaviour is the same: Counter counts by `d[w] = d.get(w, 0) + 1` over the iterable in
    order (CPython 3.7+), so keys keep first-occurrence order and the first-seen key object among
    equal ones, the counts are the same ints, and an unhashable item raises TypeError in both;
    `dict(...)` copies it, in order, into the plain dict the function built before.
    """

    name = "counting-loop-to-counter"
    DESCRIPTION = __doc__ or ""

    def rewrite(self, function: cst.FunctionDef, module: cst.Module) -> Rewrite | None:
        counter = reach("collections", "Counter", function, module)
        if counter is None or not builtin_is_free("dict", function, module):
            return None

        site = _Site(function, module, gather_facts(function, module), counter[0])

        def pair(init: cst.BaseStatement, loop: cst.BaseStatement) -> Statements | None:
            return _count(init, loop, site)

        new = rewrite_blocks(function, lambda body: rewrite_pairs(body, pair))
        return Rewrite(new, imports=counter[1]) if new is not None and compiles(new) else None


@dataclass(frozen=True)
class _Site:
    """The function being rewritten, with what the rewrite needs to know about it."""

    function: cst.FunctionDef
    module: cst.Module
    facts: Facts
    counter: str  # how to spell Counter there


def _count(init: cst.BaseStatement, loop: cst.BaseStatement, site: _Site) -> Statements | None:
    bound = assignment(init)
    empty = m.Dict(elements=[]) | m.Call(func=m.Name("dict"), args=[])
    if bound is None or not m.matches(bound[1], empty) or not isinstance(loop, cst.For):
        return None
    counts = bound[0]
    if loop.asynchronous or loop.orelse or not isinstance(loop.target, cst.Name):
        return None
    word, function = loop.target.value, site.function
    if not _counting(loop, counts, word) or occurrences(counts, loop.iter):
        return None
    if occurrences(word, function) != occurrences(word, loop) or not is_private(counts, function):
        return None
    items = _items(loop.iter, site)
    if items is None:
        return None
    counted = cst.Call(cst.parse_expression(site.counter), [cst.Arg(items)])
    line = with_value(init, cst.Call(cst.Name("dict"), [cst.Arg(counted)]))
    return [line.with_changes(leading_lines=[*line.leading_lines, *loop.leading_lines])]


def _items(items: cst.BaseExpression, site: _Site) -> cst.BaseExpression | None:
    """What to hand Counter: `items`, or `iter(items)` when it might be a Mapping."""
    if _not_mapping(items, site):
        return items
    if not builtin_is_free("iter", site.function, site.module):
        return None
    return cst.Call(cst.Name("iter"), [cst.Arg(items)])


def _counting(loop: cst.For, counts: str, word: str) -> bool:
    """The loop body is one of the three counting forms, for `counts[word]`."""
    item = m.Subscript(m.Name(counts), [m.SubscriptElement(m.Index(m.Name(word)))])
    increment = m.AugAssign(target=item, operator=m.AddAssign(), value=m.Integer("1"))
    first = m.Assign(targets=[m.AssignTarget(item)], value=m.Integer("1"))
    get = m.Call(
        m.Attribute(m.Name(counts), m.Name("get")), [m.Arg(m.Name(word)), m.Arg(m.Integer("0"))]
    )
    by_get = m.Assign(
        targets=[m.AssignTarget(item)], value=m.BinaryOperation(get, m.Add(), m.Integer("1"))
    )
    statement = only(loop.body)
    if not isinstance(statement, cst.If):
        return statement is not None and m.matches(statement, by_get)
    test = m.Comparison(m.Name(word), [m.ComparisonTarget(m.In() | m.NotIn(), m.Name(counts))])
    if not m.matches(statement.test, test) or not isinstance(statement.orelse, cst.Else):
        return False
    seen, unseen = statement.body, statement.orelse.body
    if m.matches(statement.test, m.Comparison(comparisons=[m.ComparisonTarget(m.NotIn())])):
        seen, unseen = unseen, seen
    seen_statement, unseen_statement = only(seen), only(unseen)
    return (
        seen_statement is not None and m.matches(seen_statement, increment)
        and unseen_statement is not None and m.matches(unseen_statement, first)
    )  # fmt: skip


def _not_mapping(items: cst.BaseExpression, site: _Site) -> bool:
    """A display, comprehension, str, `.split()`, range/zip/map/... call: never a Mapping."""
    if isinstance(items, _NOT_MAPPINGS):
        return True
    declared = isinstance(items, (cst.Name, cst.Attribute))  # `Iterable[str]` may be a dict
    if not declared and element_kind(items, site.facts) is not None:
        return True  # element_kind knows only str values, splits, and builtin calls
    if isinstance(items, cst.Call) and isinstance(items.func, cst.Name):
        name = items.func.value
        return name in _ITERATOR_BUILTINS and builtin_is_free(name, site.function, site.module)
    return False


RULE = CountingLoopToCounter()
