"""The optimize graph's nodes: plain functions of (runtime, state) that return state updates.

baseline -> select -> enter -> propose -> gate (one per candidate, in parallel) -> decide
                       ^                    ^                                       |
                       |                    +------------- refine ------------------+
                       +------------------- next <------------- done ---------------+
"""

from __future__ import annotations

import logging
from typing import Any

from agent.gate import (
    Context,
    GateError,
    Verdict,
    check_candidate,
    check_change,
    find_target,
    module_change,
    take_baseline,
)
from agent.gate.baseline import run_baseline_suite
from agent.llm import BudgetExhausted, LLMError, LLMUnavailable
from agent.profiling import ProfileOptions, hotspots, sources_of
from profilers.measure import MeasurementError, collection_paths

from . import targets
from .context import build_context
from .proposers import Failed
from .runtime import Runtime
from .state import Judged, OptimizeState, Plan, Proposed, Result

log = logging.getLogger(__name__)
Update = dict[str, Any]


class OptimizeError(Exception):
    """The run cannot go on (the baseline fails, no target can be found); says what to do."""


def baseline(rt: Runtime, state: OptimizeState) -> Update:
    paths = tuple(collection_paths(rt.root, rt.session.repo.files))
    suite = run_baseline_suite(rt.session, paths, rt.options.gate.timeout)
    failing = sorted(suite.failed)
    if not suite.finished or failing:
        what = (
            f"{len(failing)} test(s) fail, first {failing[0]}" if failing else "it did not finish"
        )
        raise OptimizeError(
            f"the repository's own test suite does not pass before any change ({what}); "
            f"optimizing needs a green baseline: run `ratchet debug {rt.root}` to find the fault."
        )
    rt.suite = suite
    count = len(suite.passed)
    rt.progress(f"baseline: {count} test{'s' if count != 1 else ''} pass")
    return {}


def select(rt: Runtime, state: OptimizeState) -> Update:
    """The targets: what the user named, else the hottest functions; only those tests call."""
    options = rt.options
    sources = sources_of(rt.session)
    try:
        plans = _requested(rt, sources)
    except targets.TargetError as exc:
        raise OptimizeError(str(exc)) from exc
    if not plans:
        rt.progress("no function to work on")
        return {"plans": [], "skipped": []}
    try:
        found = rt.meter.callers(
            [p.function for p in plans], collection_paths(rt.root, rt.session.repo.files)
        )
    except MeasurementError as exc:
        raise OptimizeError(str(exc)) from exc
    rt.callers.update(found)
    passed = rt.suite.passed if rt.suite else frozenset()
    tested = [p for p in plans if any(t in passed for t in _calling(found[p.function]))]
    untested = [
        Result(
            p.function,
            p.file,
            "skipped",
            "no passing test calls it, so no rewrite of it could be proven",
        )
        for p in plans
        if p not in tested
    ]
    limit = len(tested) if (options.functions or options.file) else options.max_functions
    chosen = tested[:limit]
    for plan in chosen:
        rt.progress(f"target: {plan.function} ({plan.why})")
    return {"plans": chosen, "skipped": untested, "current": 0}


def _calling(callers: Any) -> tuple[str, ...]:
    return (*callers.tests, *callers.benchmarks)


def _requested(rt: Runtime, sources: dict[str, str]) -> list[Plan]:
    options = rt.options
    if options.functions:
        return targets.from_names(options.functions, sources)
    if options.file:
        return targets.from_line(options.file, options.line, sources)
    if options.changed:
        changes = targets.changed_lines(rt.root, options.base)
        return targets.from_changes(changes, sources, options.base)
    rt.progress("profiling the test suite with py-spy to find the hot functions")
    _, _, ranked = hotspots(rt.session, ProfileOptions())
    hot = targets.from_hotspots(ranked)
    if options.every:
        named = {p.function for p in hot}
        return hot + [p for p in targets.everything(sources) if p.function not in named]
    return hot[: max(options.max_functions * 3, options.max_functions)]


def enter(rt: Runtime, state: OptimizeState) -> Update:
    """Take the current target's baseline: recorded calls and instruction counts."""
    plan = state["plans"][state["current"]]
    rt.tokens_at_enter = rt.usage().tokens
    rt.progress(
        f"[{state['current'] + 1}/{len(state['plans'])}] {plan.function}: taking its baseline"
    )
    try:
        target = find_target(rt.root, rt.session.repo.files, plan.function)
        rt.contexts[plan.function] = Context(
            rt.session,
            rt.meter,
            take_baseline(
                rt.session,
                rt.meter,
                target,
                rt.options.gate,
                suite=rt.suite,
                callers=rt.callers.get(plan.function),
            ),
            rt.options.gate,
        )
    except GateError as exc:
        return {"results": [Result(plan.function, plan.file, "error", str(exc))], "round": 0}
    return {"round": 1, "history": [], "judged": None}


def propose(rt: Runtime, state: OptimizeState) -> Update:
    plan = state["plans"][state["current"]]
    ctx = rt.contexts[plan.function]
    context = build_context(ctx.baseline.target, ctx.baseline.recording, rt.tier.context)
    try:
        found = rt.proposer.propose(ctx.baseline.target, state["round"], state["history"], context)
    except BudgetExhausted as exc:
        return {"proposals": [], "stopped": str(exc)}
    except LLMUnavailable as exc:
        if rt.note_unavailable(plan.function, state["round"]) < 2:
            raise  # the node's retry policy (agent/graph.py) runs the round once more
        return {"proposals": [], "stopped": str(exc)}
    except LLMError as exc:  # a refusal: the key, the model or the URL is wrong
        raise OptimizeError(str(exc)) from exc
    proposals = [p for p in found if isinstance(p, Proposed)]
    failed = [_failed_reply(plan, f) for f in found if isinstance(f, Failed)]
    rt.progress(
        f"{plan.function}: round {state['round']}: {len(proposals)} candidate(s) from "
        f"{rt.proposer.name}" + (f", {len(failed)} unreadable repl(ies)" if failed else "")
    )
    rt.proposals_out()
    return {"proposals": proposals, "judged": failed}


def _failed_reply(plan: Plan, failed: Failed) -> Judged:
    verdict = Verdict(plan.function, "rejected", "reply", failed.reason)
    return Judged(Proposed(failed.origin, ""), verdict)


def gate(rt: Runtime, payload: dict[str, Any]) -> Update:
    """One candidate through the gate (many of these run in parallel, one per candidate)."""
    proposed: Proposed = payload["proposed"]
    ctx: Context = rt.contexts[payload["function"]]
    target = ctx.baseline.target
    if proposed.whole_module:
        verdict = check_change(ctx, module_change(target, proposed.text, proposed.patch))
    else:
        verdict = check_candidate(ctx, proposed.text)
    rt.count_gated()
    gain = verdict.instructions.gain if verdict.instructions else None
    shown = f" ({gain:.1%} fewer instructions)" if verdict.accepted and gain is not None else ""
    rt.progress(f"{target.function}: {proposed.origin}: {verdict.status} at {verdict.step}{shown}")
    return {"judged": [Judged(proposed, verdict)]}


def decide(rt: Runtime, state: OptimizeState) -> Update:
    """Keep the best accepted candidate; else refine while rounds and budget last."""
    rt.proposals_judged()
    plan = state["plans"][state["current"]]
    history = [*state["history"], *state.get("judged", [])]
    accepted = [j for j in history if j.verdict.accepted]
    gated = [j for j in history if j.verdict.step != "reply"]
    if accepted:
        best = max(accepted, key=_gain)
        gain = _gain(best)
        reason = f"{best.proposed.origin}: {gain:.1%} fewer instructions; {best.verdict.reason}"
        return _finish(rt, plan, "accepted", reason, best, history, state, len(gated))
    if state["round"] < rt.tier.rounds and rt.tier.uses_llm and not state.get("stopped"):
        return {"round": state["round"] + 1, "history": history, "judged": None, "refining": True}
    if not history:
        reason = "no rule applies to it" if not rt.tier.uses_llm else "no candidate was proposed"
        if state.get("stopped"):
            reason = f"stopped: {state['stopped']}"
        return _finish(rt, plan, "rejected", reason, None, history, state, 0)
    last = history[-1]
    reason = (
        f"{len(history)} candidate(s) rejected; last at {last.verdict.step}: {last.verdict.reason}"
    )
    return _finish(rt, plan, "rejected", reason, last, history, state, len(gated))


def _gain(judged: Judged) -> float:
    counts = judged.verdict.instructions
    return (counts.gain or 0.0) if counts is not None else 0.0


def _finish(
    rt: Runtime,
    plan: Plan,
    status: Any,
    reason: str,
    best: Judged | None,
    history: list[Judged],
    state: OptimizeState,
    gated: int,
) -> Update:
    tokens = rt.usage().tokens - rt.tokens_at_enter
    result = Result(
        plan.function,
        plan.file,
        status,
        reason,
        best,
        gated,
        state["round"],
        tokens,
        tuple(history),
    )
    return {"results": [result], "history": [], "judged": None, "refining": False}


def advance(rt: Runtime, state: OptimizeState) -> Update:
    return {"current": state["current"] + 1, "round": 0, "proposals": []}
