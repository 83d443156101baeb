"""The optimize graph's nodes, in the order they run (agent/optimize/graph.py draws the flow).

Each node is a plain function of the state and LangGraph's `Runtime`, whose `context` is the
run's frozen `Tools`; it returns what it learned as a state update and writes nowhere else.
"""

from __future__ import annotations

import logging
from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import RetryPolicy

from agent.gate import (
    Context,
    GateError,
    Verdict,
    check_candidate,
    check_change,
    find_target,
    module_change,
)
from agent.gate import take_baseline as gate_baseline
from agent.gate.baseline import run_baseline_suite
from agent.llm import BudgetExhausted, LLMError, LLMUnavailable, Tier
from agent.profiling import ProfileOptions, hotspots, sources_of
from agent.rewrite import Rejected, list_functions
from profilers.hotspots import Hotspot, module_name
from profilers.measure import Callers, MeasurementError
from profilers.pyspy import ProfilingError
from profilers.suite import SuiteReport, describe_failures

from . import targets
from .context import build_context
from .explain import explain_round, traced
from .proposers import Failed, Proposer, drop_repeats
from .state import GateTask, Judged, OptimizeState, Plan, Proposed, Result, Status
from .tools import OptimizeOptions, Tools

log = logging.getLogger(__name__)
Update = dict[str, Any]

# Each LLM request already gets the client's retries with backoff. When an endpoint stays
# unavailable through them, the whole proposal round runs once more after a pause; if that fails
# too, `propose` stops the run with the client's message (and the results so far).
LLM_RETRY = RetryPolicy(max_attempts=2, initial_interval=2.0, retry_on=LLMUnavailable)


NESTED = "it is defined inside another function, where nothing can reach it by name"


class OptimizeError(Exception):
    """The run cannot go on (the baseline fails, no target can be found); says what to do."""


def name_targets(state: OptimizeState, *, runtime: Runtime[Tools]) -> Update:
    """What the user named, less what the proposer has nothing for: decided on the host before
    the suite runs, so a function no rule applies to costs no sandbox run at all."""
    wanted, refused = _wanted(runtime.context, sources_of(runtime.context.session), [])
    for result in refused:
        runtime.context.progress(f"{result.function}: skipped: {result.reason}")
    return {"wanted": wanted, "skipped": refused}


def run_suite(state: OptimizeState, *, runtime: Runtime[Tools]) -> Update:
    """The unchanged repo's whole suite, once: its passing set is the contract."""
    tools = runtime.context
    collect = tools.session.repo.layout.collect
    suite = run_baseline_suite(tools.session, collect, tools.options.gate.timeout)
    _require_green(suite, tools)
    count = len(suite.passed)
    tools.progress(f"baseline: {count} test{'s' if count != 1 else ''} pass")
    return {"suite": suite}


def _require_green(suite: SuiteReport, tools: Tools) -> None:
    if suite.finished and not suite.failed:
        return
    what = describe_failures(suite) if suite.failed else "it did not finish"
    raise OptimizeError(
        f"the repository's own test suite does not pass before any change ({what}); "
        f"optimizing needs a green baseline: fix those tests, or see the whole run with "
        f"`ratchet sandbox run {tools.root}`."
    )


def profile(state: OptimizeState, *, runtime: Runtime[Tools]) -> Update:
    """py-spy over the suite: the repo's functions ranked by their share of the samples."""
    tools = runtime.context
    tools.progress("profiling the test suite with py-spy to find the hot functions")
    try:
        _, _, ranked = hotspots(tools.session, ProfileOptions())
    except ProfilingError as exc:
        raise OptimizeError(f"{exc} Or name the functions to work on with --function.") from exc
    return {"hotspots": ranked}


def select_targets(state: OptimizeState, *, runtime: Runtime[Tools]) -> Update:
    """The targets: what the user named, else the hottest functions; only those tests call."""
    tools = runtime.context
    options = tools.options
    wanted, refused = state.get("wanted"), state.get("skipped", [])
    if wanted is None:
        wanted, refused = _wanted(tools, sources_of(tools.session), state.get("hotspots", []))
    if not wanted:
        tools.progress("no function to work on")
        return {"plans": [], "skipped": refused}
    callers = _callers(tools, wanted)
    suite = state.get("suite")
    passed = suite.passed if suite else frozenset()
    tested = [p for p in wanted if not passed.isdisjoint(_calling(callers[p.function]))]
    untested = refused + [_untested(p) for p in wanted if p not in tested]
    limit = len(tested) if (options.functions or options.file) else options.max_functions
    chosen = tested[:limit]
    for plan in chosen:
        tools.progress(f"target: {plan.function} ({plan.why})")
    return {"plans": chosen, "skipped": untested, "current": 0, "callers": callers}


def _wanted(
    tools: Tools, sources: dict[str, str], ranked: list[Hotspot]
) -> tuple[list[Plan], list[Result]]:
    """What the user named, else the hottest functions (with --all, every other one after),
    less those the proposer has nothing for: that is known on the host, so none of them costs a
    sandbox run. A named one is reported as skipped; the hot ones are passed over for the next
    hottest."""
    options = tools.options
    try:
        if options.named:
            named, refused = _proposable(tools.proposer, _named(options, tools, sources), sources)
            return named, [Result(p.function, p.file, "skipped", why) for p, why in refused]
    except targets.TargetError as exc:
        raise OptimizeError(str(exc)) from exc
    hot = targets.from_hotspots(ranked)
    if options.every:
        sampled = {p.function for p in hot}
        hot += [p for p in targets.everything(sources) if p.function not in sampled]
    hot, passed_over = _proposable(tools.proposer, hot, sources)
    if passed_over:
        first, why = passed_over[0]
        tools.progress(
            f"{len(passed_over)} hot function(s) passed over before any baseline, "
            f"e.g. {first.function}: {why}"
        )
    return (hot if options.every else hot[: options.max_functions * 3]), []


def _proposable(
    proposer: Proposer, plans: list[Plan], sources: dict[str, str]
) -> tuple[list[Plan], list[tuple[Plan, str]]]:
    """The plans the proposer may have something for, and the others with its reason."""
    kept, refused = [], []
    for plan in plans:
        qualname = plan.function.removeprefix(module_name(plan.file) + ".")
        why = NESTED if _nested(sources[plan.file], qualname, plan.file) else None
        why = why or proposer.refuses(sources[plan.file], qualname, plan.file)
        if why is None:
            kept.append(plan)
        else:
            refused.append((plan, why))
    return kept, refused


def _nested(module: str, qualname: str, path: str) -> bool:
    """Defined inside another function: the probe reaches a target by its dotted name only."""
    found = list_functions(module, path=path)
    functions = set() if isinstance(found, Rejected) else {d.qualname for d in found}
    parts = qualname.split(".")
    return any(".".join(parts[:cut]) in functions for cut in range(1, len(parts)))


def _named(options: OptimizeOptions, tools: Tools, sources: dict[str, str]) -> list[Plan]:
    if options.functions:
        return targets.from_names(options.functions, sources)
    if options.file:
        return targets.from_line(options.file, options.line, sources)
    changes = targets.changed_lines(tools.root, options.base)
    return targets.from_changes(changes, sources, options.base)


def _callers(tools: Tools, plans: list[Plan]) -> dict[str, Callers]:
    collect = tools.session.repo.layout.collect
    try:
        return tools.meter.callers([p.function for p in plans], collect)
    except MeasurementError as exc:
        raise OptimizeError(str(exc)) from exc


def _calling(callers: Callers) -> tuple[str, ...]:
    return (*callers.tests, *callers.benchmarks)


def _untested(plan: Plan) -> Result:
    why = "no passing test calls it, so no rewrite of it could be proven"
    return Result(plan.function, plan.file, "skipped", why)


def take_baseline(state: OptimizeState, *, runtime: Runtime[Tools]) -> Update:
    """The current target's baseline: recorded calls and instruction counts."""
    tools = runtime.context
    plan = state["plans"][state["current"]]
    entered = {"tokens_at_enter": tools.usage().tokens}
    tools.progress(
        f"[{state['current'] + 1}/{len(state['plans'])}] {plan.function}: taking its baseline"
    )
    try:
        context = _baseline_context(tools, plan.function, state)
    except GateError as exc:
        return {**entered, "results": [Result(plan.function, plan.file, "error", str(exc))],
                "round": 0}  # fmt: skip
    return {**entered, "baselines": {plan.function: context}, "round": 1, "history": [],
            "judged": None}  # fmt: skip


def _baseline_context(tools: Tools, function: str, state: OptimizeState) -> Context:
    session, meter, options = tools.session, tools.meter, tools.options.gate
    target = find_target(tools.root, session.repo.files, function)
    callers = state.get("callers", {}).get(function)
    taken = gate_baseline(
        session, meter, target, options, suite=state.get("suite"), callers=callers
    )
    return Context(session, meter, taken, options)


def propose(state: OptimizeState, *, runtime: Runtime[Tools]) -> Update:
    """This round's candidates for the current target, from the rules or the LLM."""
    tools = runtime.context
    plan = state["plans"][state["current"]]
    baseline = state["baselines"][plan.function].baseline
    context = build_context(baseline.target, baseline.recording, tools.tier.context)
    try:
        found = tools.proposer.propose(baseline.target, state["round"], state["history"], context)
    except BudgetExhausted as exc:
        return {"proposals": [], "stopped": str(exc)}
    except LLMUnavailable as exc:
        if not _last_attempt(runtime):
            raise  # LLM_RETRY runs the round once more
        return {"proposals": [], "stopped": str(exc)}
    except LLMError as exc:  # a refusal: the key, the model or the URL is wrong
        raise OptimizeError(str(exc)) from exc
    fresh = [p for p in found if isinstance(p, Proposed)]
    proposals, repeats = drop_repeats(fresh, state["history"])
    failed = [_failed_reply(plan, f) for f in [*found, *repeats] if isinstance(f, Failed)]
    unreadable = len(failed) - len(repeats)
    tools.progress(
        f"{plan.function}: round {state['round']}: {len(proposals)} candidate(s) from "
        f"{tools.proposer.name}"
        + (f", {unreadable} unreadable repl(ies)" if unreadable else "")
        + (f", {len(repeats)} repeat(s) dropped" if repeats else "")
    )
    return {"proposals": proposals, "judged": failed, "proposed_at": tools.clock()}


def _last_attempt(runtime: Runtime[Tools]) -> bool:
    info = runtime.execution_info
    return info is None or info.node_attempt >= LLM_RETRY.max_attempts


def _failed_reply(plan: Plan, failed: Failed) -> Judged:
    verdict = Verdict(plan.function, "rejected", "reply", failed.reason)
    return Judged(Proposed(failed.origin, ""), verdict)


def gate(task: GateTask, *, runtime: Runtime[Tools]) -> Update:
    """One candidate through the gate (many of these run in parallel, one per candidate)."""
    tools = runtime.context
    proposed, ctx = task.proposed, task.context
    target = ctx.baseline.target
    if proposed.whole_module:
        verdict = check_change(ctx, module_change(target, proposed.text, proposed.patch))
    else:
        verdict = check_candidate(ctx, proposed.text)
    gain = verdict.instructions.gain if verdict.instructions else None
    shown = f" ({gain:.1%} fewer instructions)" if verdict.accepted and gain is not None else ""
    tools.progress(
        f"{target.function}: {proposed.origin}: {verdict.status} at {verdict.step}{shown}"
    )
    return {"judged": [Judged(proposed, verdict)], "gated": 1}


def decide(state: OptimizeState, *, runtime: Runtime[Tools]) -> Update:
    """Keep the best accepted candidate; else refine while rounds and budget last."""
    tools = runtime.context
    waited = _gate_wall(tools.clock(), state.get("proposed_at"))
    history = [*state["history"], *state.get("judged", [])]
    if _refine(tools.tier, state, history):
        return {**waited, "round": state["round"] + 1, "history": history, "judged": None,
                "refining": True}  # fmt: skip
    return {**waited, "results": [_result(tools, state, history)], "history": [],
            "judged": None, "refining": False}  # fmt: skip


def explain(state: OptimizeState, *, runtime: Runtime[Tools]) -> Update:
    """Before another round: the block traces of each candidate that failed a test or a recorded
    call, the original's beside its own, for the model (two sandbox runs each, so only for an
    LLM proposer; the offline rules read no evidence)."""
    tools = runtime.context
    if not tools.tier.uses_llm:
        return {}
    plan = state["plans"][state["current"]]
    history = state["history"]
    waiting = sum(1 for j in history if j.trace is None and traced(j.verdict))
    if not waiting:
        return {}
    tools.progress(f"{plan.function}: tracing {waiting} rejected candidate(s) block by block")
    return {"history": explain_round(state["baselines"][plan.function], history)}


def _gate_wall(now: float, proposed_at: float | None) -> Update:
    """The wall time this round's candidates spent in the gate, counted once."""
    return {} if proposed_at is None else {"gate_wall": now - proposed_at, "proposed_at": None}


def _refine(tier: Tier, state: OptimizeState, history: list[Judged]) -> bool:
    if any(j.verdict.accepted for j in history):
        return False
    return state["round"] < tier.rounds and tier.uses_llm and not state.get("stopped")


def _result(tools: Tools, state: OptimizeState, history: list[Judged]) -> Result:
    plan = state["plans"][state["current"]]
    status, reason, best = _outcome(tools.tier, state.get("stopped"), history)
    gated = sum(1 for j in history if j.verdict.step != "reply")
    tokens = tools.usage().tokens - state.get("tokens_at_enter", 0)
    return Result(plan.function, plan.file, status, reason, best, gated, state["round"], tokens,
                  tuple(history))  # fmt: skip


def _outcome(
    tier: Tier, stopped: str | None, history: list[Judged]
) -> tuple[Status, str, Judged | None]:
    """The status, the reason and the candidate shown for a target whose rounds are over."""
    accepted = [j for j in history if j.verdict.accepted]
    if accepted:
        best = max(accepted, key=_gain)
        reason = f"{best.proposed.origin}: {_gain(best):.1%} fewer instructions; "
        return "accepted", reason + best.verdict.reason, best
    if not history:
        reason = "no rule applies to it" if not tier.uses_llm else "no candidate was proposed"
        return "rejected", f"stopped: {stopped}" if stopped else reason, None
    last = history[-1]
    reason = f"{len(history)} candidate(s) rejected; last at {last.verdict.step}: "
    return "rejected", reason + last.verdict.reason, last


def _gain(judged: Judged) -> float:
    counts = judged.verdict.instructions
    return (counts.gain or 0.0) if counts is not None else 0.0


def next_target(state: OptimizeState, *, runtime: Runtime[Tools]) -> Update:
    """On to the next target: its rounds start afresh."""
    return {"current": state["current"] + 1, "round": 0, "proposals": []}
