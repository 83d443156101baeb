"""The gate: cheapest check first; the first failing one decides, and its evidence goes with it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from agent.rewrite import Rejected

from .screen import screen
from .steps import (
    Check,
    Context,
    check_behaviour,
    check_callers,
    check_efficiency,
    check_generated,
    check_import,
    check_suite,
)
from .target import Change, Target, apply_candidate
from .verdict import BehaviourTally, Status, SuiteTally, Verdict

log = logging.getLogger(__name__)
Step = Callable[[Context, Change], Check]
RUNTIME_STEPS: tuple[tuple[str, Step], ...] = (
    ("import", check_import),
    ("tests", check_callers),
    ("suite", check_suite),
    ("behaviour", check_behaviour),
    ("generated", check_generated),
    ("efficiency", check_efficiency),
)


def check_candidate(
    ctx: Context, candidate: str, progress: Callable[[str], None] | None = None
) -> Verdict:
    """The verdict on one candidate for the baseline's target; never raises for a bad candidate."""
    target = ctx.baseline.target
    seconds: dict[str, float] = {}
    started = time.monotonic()
    applied = apply_candidate(target, candidate)
    seconds["apply"] = time.monotonic() - started
    if isinstance(applied, Rejected):
        return Verdict(target.function, "rejected", "apply", applied.reason, seconds=seconds)
    return check_change(ctx, applied, progress, seconds)


def check_change(
    ctx: Context,
    change: Change,
    progress: Callable[[str], None] | None = None,
    seconds: dict[str, float] | None = None,
) -> Verdict:
    """The verdict on a change already applied to the target's module."""
    seconds = dict(seconds or {})
    if (refused := check_on_host(change, seconds, screen=ctx.options.screen)) is not None:
        return refused
    return _run_steps(ctx, change, seconds, progress)


def check_on_host(
    change: Change, seconds: dict[str, float], *, screen: bool = True
) -> Verdict | None:
    """The checks that need no sandbox, after apply: the same code as before, then the static
    screen (unless `screen` is off). None when the change may go on to the runtime steps."""
    if change.unchanged:
        function, path = change.target.function, change.target.path
        reason = (
            f"The candidate is {function} as it already is in {path} (the same code up to "
            "comments and layout), so it cannot execute fewer instructions; change the code."
        )
        return Verdict(function, "rejected", "apply", reason, patch=change.patch, seconds=seconds)
    return _screen(change.target, change, seconds) if screen else None


def _screen(target: Target, change: Change, seconds: dict[str, float]) -> Verdict | None:
    started = time.monotonic()
    before = target.text() if change.whole_module else target.function_text()
    findings = screen(change.candidate, before, target.module_names())
    seconds["screen"] = time.monotonic() - started
    if not findings:
        return None
    return Verdict(
        target.function,
        "rejected",
        "screen",
        f"the candidate {findings[0].describe()}",
        "\n".join(f.describe() for f in findings),
        patch=change.patch,
        seconds=seconds,
    )


def _run_steps(
    ctx: Context,
    change: Change,
    seconds: dict[str, float],
    progress: Callable[[str], None] | None,
) -> Verdict:
    tests, behaviour = SuiteTally(baseline_passed=len(ctx.baseline.passed)), BehaviourTally()
    instructions, last, name = None, Check(True), RUNTIME_STEPS[-1][0]
    for name, step in RUNTIME_STEPS:  # after the loop, `name` is the step that decided
        if progress:
            progress(name)
        started = time.monotonic()
        last = step(ctx, change)
        seconds[name] = time.monotonic() - started
        log.debug(
            "gate %s: %s in %.2fs", name, "passed" if last.passed else "failed", seconds[name]
        )
        tests = last.tests or tests  # the whole suite's tally replaces the callers'
        behaviour = _tally_behaviour(behaviour, last)
        instructions = last.instructions or instructions
        if not last.passed:
            break
    status: Status = "accepted" if last.passed else "rejected"
    return Verdict(
        change.target.function,
        status,
        name,
        last.reason,
        last.evidence,
        tests,
        behaviour,
        instructions,
        change.patch,
        seconds,
        test=last.test,
    )


def _tally_behaviour(tally: BehaviourTally, check: Check) -> BehaviourTally:
    return BehaviourTally(
        check.replayed if check.replayed is not None else tally.calls_replayed,
        check.generated if check.generated is not None else tally.generated,
        tally.mismatches + check.mismatches,
    )
