"""`ratchet verify`: the whole gate on one rewrite that a person or another tool wrote.

    precheck(root, files, function, text) -> Change | Verdict    on the host, no sandbox
    verify(session, change, options) -> Verdict                  baseline, then the gate
    verify_all(session, checked, options) -> tuple[Verdict, ...] one baseline, every candidate

The checks that need no sandbox come first, so a candidate they decide costs no baseline:
GateError when the input is no candidate for the function at all (no such function, no def of
it in the candidate), and a verdict rejected at `apply` (it does not parse, changes the
signature, or is the function unchanged: the same code cannot run faster) or at `screen`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from profilers.counter import prepare_counter
from profilers.measure import MeasurementError, Meter
from sandbox.base import Session

from .gate import (
    Change,
    Context,
    GateError,
    GateOptions,
    Verdict,
    apply_candidate,
    check_change,
    check_on_host,
    find_target,
    take_baseline,
)
from .rewrite import Rejected
from .rewrite.candidate import top_level_defs

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class VerifyOptions:
    gate: GateOptions = field(default_factory=GateOptions)
    counter: str = "auto"
    runs: int = 3  # measured runs per side (K)


def precheck(root: Path, files: Sequence[str], function: str, candidate: str) -> Change | Verdict:
    """The candidate applied to `function`'s file, or the verdict of the checks that need no
    sandbox; GateError when there is no such function or the candidate does not define it."""
    target = find_target(root, files, function)
    name = target.qualname.rsplit(".", 1)[-1]
    if (defs := top_level_defs(candidate)) is not None and name not in defs:
        instead = f" (it defines {', '.join(f'`{d}`' for d in defs)})" if defs else ""
        method = " as a plain `def`, without its class" if "." in target.qualname else ""
        raise GateError(
            f"the candidate defines no function `{name}`{instead}; it must hold the new "
            f"`def {name}(...)` of {function}{method}, or name the function it rewrites with "
            "--function."
        )
    started = time.monotonic()
    change = apply_candidate(target, candidate)
    seconds = {"apply": time.monotonic() - started}
    if isinstance(change, Rejected):
        return Verdict(function, "rejected", "apply", change.reason, seconds=seconds)
    return check_on_host(change, seconds) or change


@dataclass(frozen=True)
class Verdicts:
    """The verdicts of several candidates for one function, in the order they were given."""

    verdicts: tuple[Verdict, ...]
    names: tuple[str, ...]  # where each candidate came from, as given

    def render_text(self) -> str:
        shown = zip(self.names, self.verdicts, strict=True)
        return "\n\n".join(f"--candidate {name}\n{render_text(v)}" for name, v in shown)

    @property
    def accepted(self) -> bool:
        return all(verdict.accepted for verdict in self.verdicts)

    def to_json(self) -> dict[str, Any]:
        return {"version": 1, "verdicts": [verdict.to_json() for verdict in self.verdicts]}


def verify_all(
    session: Session,
    checked: Sequence[Change | Verdict],
    options: VerifyOptions,
    progress: Callable[[str], None] | None = None,
) -> tuple[Verdict, ...]:
    """Every candidate the host-side checks left undecided, gated against one baseline of the
    function, taken once; the others keep the verdict they already have (no sandbox run)."""
    changes = [c for c in checked if isinstance(c, Change)]
    if not changes:
        return tuple(c for c in checked if isinstance(c, Verdict))
    context = baseline_context(session, changes[0], options)
    return tuple(
        check_change(context, c, progress) if isinstance(c, Change) else c for c in checked
    )


def verify(
    session: Session,
    change: Change,
    options: VerifyOptions,
    progress: Callable[[str], None] | None = None,
) -> Verdict:
    """Baseline the target, then gate the change. GateError when no verdict can be reached."""
    return check_change(baseline_context(session, change, options), change, progress)


def baseline_context(session: Session, change: Change, options: VerifyOptions) -> Context:
    """The gate's context for `change`'s function: its counter, meter and baseline."""
    function = change.target.function
    try:
        choice = prepare_counter(session, options.counter)
        meter = Meter(session, choice, runs=options.runs, timeout=options.gate.timeout)
    except MeasurementError as exc:
        raise GateError(str(exc)) from exc
    log.info("counting %s with %s (%s)", function, meter.counter, meter.impl)
    baseline = take_baseline(session, meter, change.target, options.gate)
    recording = baseline.recording
    log.info(
        "baseline: %d tests pass, %d call %s; %d calls recorded%s",
        len(baseline.passed),
        len(baseline.callers.tests) + len(baseline.callers.benchmarks),
        function,
        recording.calls,
        f" ({recording.cap})" if recording.cap else "",
    )
    return Context(session, meter, baseline, options.gate)


def error_verdict(function: str, reason: str, step: str = "baseline") -> Verdict:
    """No verdict on the candidate: where it stopped ("input": before any sandbox started)."""
    return Verdict(function, "error", step, reason)


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
        if counts.whole_after is not None and counts.whole_before is not None:
            lines.append(
                f"  whole process: {counts.whole_before:,} -> {counts.whole_after:,} "
                "(a fresh process, children included)"
            )
        if counts.calls:
            lines.append(f"  measured:     {len(counts.after)} runs of {counts.calls} calls each")
    if verdict.evidence and verdict.status == "rejected":
        lines += ["", "evidence:", *("  " + line for line in verdict.evidence.splitlines())]
    if verdict.patch:
        lines += ["", verdict.patch.rstrip("\n")]
    return "\n".join(lines)
