"""`ratchet verify`: the whole gate on one rewrite that a person or another tool wrote."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from profilers.measure import MeasurementError, Meter
from sandbox.base import Session

from .gate import (
    Context,
    GateError,
    GateOptions,
    Verdict,
    check_candidate,
    find_target,
    take_baseline,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerifyOptions:
    gate: GateOptions = field(default_factory=GateOptions)
    counter: str = "auto"
    runs: int = 3  # measured runs per side (K)


def verify(
    session: Session,
    function: str,
    candidate: str,
    options: VerifyOptions,
    progress: Callable[[str], None] | None = None,
) -> Verdict:
    """Baseline the target, then gate the candidate. GateError when no verdict can be reached."""
    target = find_target(session.repo.root, session.repo.files, function)
    try:
        meter = Meter(session, options.counter, runs=options.runs, timeout=options.gate.timeout)
    except MeasurementError as exc:
        raise GateError(str(exc)) from exc
    log.info("counting %s with %s (%s)", function, meter.counter, meter.impl)
    baseline = take_baseline(session, meter, target, options.gate)
    recording = baseline.recording
    log.info(
        "baseline: %d tests pass, %d call %s; %d calls recorded%s",
        len(baseline.passed),
        len(baseline.callers.tests) + len(baseline.callers.benchmarks),
        function,
        recording.calls,
        f" ({recording.cap})" if recording.cap else "",
    )
    return check_candidate(Context(session, meter, baseline, options.gate), candidate, progress)


def error_verdict(function: str, reason: str) -> Verdict:
    return Verdict(function, "error", "baseline", reason)


def render_text(verdict: Verdict) -> str:
    head = {"accepted": "ACCEPTED", "rejected": "REJECTED", "error": "ERROR"}[verdict.status]
    lines = [f"{verdict.function}: {head} at step {verdict.step}", f"  {verdict.reason}"]
    tests, seen = verdict.tests, verdict.behaviour
    if tests.baseline_passed:
        lines.append(
            f"  tests:        {tests.passed} passed, {tests.failed} failed "
            f"(baseline: {tests.baseline_passed} passed)"
        )
    if seen.calls_replayed or seen.generated or seen.mismatches:
        lines.append(
            f"  behaviour:    {seen.calls_replayed} recorded calls replayed, {seen.generated} "
            f"generated inputs, {seen.mismatches} mismatches"
        )
    if (counts := verdict.instructions) is not None:
        before = ", ".join(f"{v:,}" for v in counts.before)
        after = ", ".join(f"{v:,}" for v in counts.after)
        gain = "" if counts.gain is None else f" (gain {counts.gain * 100:.2f}%)"
        lines.append(f"  {counts.unit} ({counts.counter}): {before} -> {after}{gain}")
    if verdict.evidence and verdict.status == "rejected":
        lines += ["", "evidence:", *("  " + line for line in verdict.evidence.splitlines())]
    if verdict.patch:
        lines += ["", verdict.patch.rstrip("\n")]
    return "\n".join(lines)
