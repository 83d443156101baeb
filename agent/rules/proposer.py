"""The Low budget tier's proposer: every offline rule that fires on a function, alone and together.

Each proposal is a whole new module text made by the rewrite engine (so every byte the rules did
not mean to change stays), with the rules that made it. Rules are applied to the module as
rewritten so far, so a later rule sees the helpers and imports an earlier one added.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from agent.rewrite import Rejected, replace_function
from agent.rewrite.index import index_module
from agent.rewrite.locate import find

from . import all_rules
from .base import Rule

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Proposal:
    rules: tuple[str, ...]  # the rules applied, in order
    source: str  # the whole new module text
    diff: str  # unified diff against the original module


@dataclass(frozen=True)
class RuleFailure:
    """A rule fired but its candidate did not fit the module (a bug in the rule, worth a report)."""

    rule: str
    reason: str


def apply_rule(rule: Rule, source: str, qualname: str, path: str) -> str | RuleFailure | None:
    """The module after `rule` rewrote `qualname`; None when the rule does not fire."""
    target = _target(source, qualname, path)
    if isinstance(target, Rejected):
        return RuleFailure(rule.name, target.reason)
    return _apply(rule, *target, source, qualname, path)


def _target(
    source: str, qualname: str, path: str
) -> tuple[cst.FunctionDef | None, cst.Module] | Rejected:
    """The function's node (None for a class) and the module it sits in: the rewrite engine's
    own parse, which it remembers per text, so every function of a file shares one tree and the
    rules' per-module facts are worked out once per file, not once per function."""
    index = index_module(source, path)
    if isinstance(index, Rejected):
        return index
    found = find(index, qualname, path=path)
    if isinstance(found, Rejected):
        return found
    node = found.node if isinstance(found.node, cst.FunctionDef) else None
    return node, index.module


def _apply(
    rule: Rule,
    node: cst.FunctionDef | None,
    module: cst.Module,
    source: str,
    qualname: str,
    path: str,
) -> str | RuleFailure | None:
    rewrite = rule.rewrite(node, module) if node is not None else None
    if rewrite is None:
        return None
    replaced = replace_function(source, qualname, rewrite.source(), path=path)
    if isinstance(replaced, Rejected):
        return RuleFailure(rule.name, replaced.reason)
    return replaced.source if replaced.source != source else None


def propose(
    source: str, qualname: str, *, path: str = "<module>", rules: Sequence[Rule] | None = None
) -> tuple[list[Proposal], list[RuleFailure]]:
    """Distinct proposals for `qualname` in `source`: one per rule that fires, then all of
    them chained (when more than one fires). Failures are returned, not raised."""
    rules = list(rules) if rules is not None else all_rules()
    singles: list[tuple[Rule, str]] = []
    failures: list[RuleFailure] = []
    target = _target(source, qualname, path)
    if isinstance(target, Rejected):
        return [], [RuleFailure("locate", target.reason)]
    for rule in rules:
        outcome = _apply(rule, *target, source, qualname, path)
        if isinstance(outcome, RuleFailure):
            failures.append(outcome)
        elif outcome is not None:
            singles.append((rule, outcome))
    proposals = [Proposal((rule.name,), text, _diff(source, text, path)) for rule, text in singles]
    if len(singles) > 1:
        chained, names = source, list[str]()
        for rule, _ in singles:
            outcome = apply_rule(rule, chained, qualname, path)
            if isinstance(outcome, str):
                chained, names = outcome, [*names, rule.name]
        if len(names) > 1:
            proposals.append(Proposal(tuple(names), chained, _diff(source, chained, path)))
    unique = {p.source: p for p in reversed(proposals)}  # keep the first of equal texts
    return [p for p in proposals if unique.get(p.source) is p], failures


def _diff(before: str, after: str, path: str) -> str:
    import difflib

    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        )
    )
