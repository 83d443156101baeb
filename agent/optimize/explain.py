"""Block traces for rejected candidates: the target traced block by block in the test the
rejection names, once as the repo has it and once with the candidate applied, compared and
rendered by evidence.py for the next round's prompt.

    history = explain_round(ctx, history)   # each Judged that failed a test or a recorded call
                                            # gets its `trace` (or "" when none could be taken)

The test is the one the verdict names: the first baseline-passing test that failed (the tests
and suite steps), or the test that recorded the mismatched call (behaviour); for a mismatch
whose test is not known, the first passing test that calls the target. The original's trace of
a test is taken once per round, whichever candidates failed in it.

Two sandbox runs per candidate, so the optimize graph asks for them only when an LLM proposes
and another round follows. The traces are evidence for the model, never for the verdict (the
candidate's process writes its own trace). A trace that cannot be taken (the test crashes
before the call, the function is not called, the sandbox fails) leaves the evidence without
it, with a debug log, and never stops the run.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from agent.gate import Change, Context, Target, apply_candidate, module_change
from agent.gate.steps import bound
from agent.gate.verdict import Verdict
from agent.rewrite import Rejected
from profilers.blocks import TEST_TIMEOUT, run_traces
from profilers.probe import probe_files
from profilers.ratchet_probe.cfg import function_graphs
from sandbox.base import Session
from sandbox.errors import SandboxError

from .evidence import Side, render_comparison
from .state import Judged

log = logging.getLogger(__name__)
TRACED_STEPS = frozenset({"tests", "suite", "behaviour"})


def explain_round(ctx: Context, history: Sequence[Judged]) -> list[Judged]:
    """`history` with a trace on every rejection at a traced step that has none yet."""
    originals: dict[str, Side | None] = {}
    explained = []
    for judged in history:
        if judged.trace is None and traced(judged.verdict):
            judged = replace(judged, trace=explain(ctx, judged, originals))
        explained.append(judged)
    return explained


def traced(verdict: Verdict) -> bool:
    """A rejection a block trace can explain: a test that failed, or a recorded call."""
    return verdict.status == "rejected" and verdict.step in TRACED_STEPS


def explain(ctx: Context, judged: Judged, originals: dict[str, Side | None]) -> str:
    """Both traces of the target in the rejection's test, rendered; "" when there is none.
    `originals` keeps the original's side by test, for the other candidates of the round."""
    target = ctx.baseline.target
    test = traced_test(ctx, judged.verdict)
    change = _change(target, judged)
    if not test or change is None:
        log.debug("no block trace for %s: no test to trace it in", judged.proposed.origin)
        return ""
    timeout = bound(ctx, ctx.baseline.suite.run.duration, "test suite").seconds
    if test not in originals:
        originals[test] = take_side(ctx.session, target, test, target.source, {}, timeout)
    original = originals[test]
    candidate = None
    if original is not None:
        candidate = take_side(ctx.session, target, test, change.source, change.files, timeout)
    if original is None or candidate is None:
        return ""
    return render_comparison(test, original, candidate)


def traced_test(ctx: Context, verdict: Verdict) -> str:
    """The test to trace in: the verdict's, else (behaviour) the first passing caller."""
    if verdict.test or verdict.step != "behaviour":
        return verdict.test
    base = ctx.baseline
    return next((t for t in base.callers.tests if t in base.passed), "")


def take_side(
    session: Session,
    target: Target,
    test: str,
    source: bytes,
    files: dict[str, bytes],
    timeout: float | None,
) -> Side | None:
    """The target's calls in `test` with `files` in the workspace, and its blocks' code in
    `source` (its module's text there); None, logged, when no call could be traced."""
    text = source.decode("utf-8", errors="replace")
    graph = function_graphs(text, target.path).get(target.qualname)
    if graph is None:
        log.debug("no block trace in %s: %s is not in the module", test, target.qualname)
        return None
    try:
        with session.workspace({**files, **probe_files()}) as ws:
            ref = f"{target.path}::{target.qualname}"
            run = run_traces(ws, [test], [ref], timeout=timeout, test_timeout=TEST_TIMEOUT)
    except SandboxError as exc:
        log.debug("no block trace in %s: the sandbox failed: %s", test, exc)
        return None
    found = run.tests.get(test)
    if found is None or not found.calls:
        why = run.problem or ("it did not run" if found is None else "it made no call of it")
        log.debug("no block trace of %s in %s: %s", target.function, test, why)
        return None
    lines = text.splitlines()
    return Side(tuple(graph.source_of(b, lines) for b in graph.blocks), found.calls)


def _change(target: Target, judged: Judged) -> Change | None:
    """The candidate applied again (on the host, cheap): the gate keeps no Change."""
    proposed = judged.proposed
    if proposed.whole_module:
        return module_change(target, proposed.text, proposed.patch)
    applied = apply_candidate(target, proposed.text)
    return None if isinstance(applied, Rejected) else applied
