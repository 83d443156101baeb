"""The gate's steps after the static ones, each in a fresh sandbox workspace with the candidate
applied. Each returns a `Check`: passed, or failed with a reason and the evidence behind it."""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from statistics import median

from profilers import behaviour
from profilers.behaviour import Recording
from profilers.compare import compare_counts
from profilers.counts import IncomparableCounts
from profilers.measure import MeasurementError, Meter, TimedOut, Whole
from profilers.probe import probe_files
from profilers.runs import tail
from profilers.suite import SuiteReport, run_suite
from sandbox.base import RunResult, Session, Workspace

from .baseline import Baseline, GateOptions
from .target import Change
from .timeouts import Bound, hard_cap, ran_past
from .verdict import Instructions, SuiteTally

TAIL_LINES = 30
WHOLE_SHARE = 0.5  # of the saving inside the function that must show in the whole process
WHOLE_NOISE = 1e-5  # of the whole process's count: what identical runs may differ by
STATE_RATIO = 0.5  # the candidate's warm/cold share may not fall below this share of the original's
IMPORT_LIMIT = 120.0  # seconds, at most, for `import module` with the candidate in it


@dataclass(frozen=True)
class Context:
    session: Session
    meter: Meter
    baseline: Baseline
    options: GateOptions


@dataclass(frozen=True)
class Check:
    passed: bool
    reason: str = ""
    evidence: str = ""
    tests: SuiteTally | None = None
    replayed: int | None = None
    generated: int | None = None
    mismatches: int = 0
    instructions: Instructions | None = None
    test: str = ""  # the test the failure names, if one does (see Verdict.test)


def evidence(run: RunResult) -> str:
    """The end of what a run printed: the evidence behind a rejection."""
    return tail(run, TAIL_LINES, sep="\n")


def bound(ctx: Context, original: float, measured: str) -> Bound:
    """How long a candidate's run may take, from the original's `original` seconds on the same
    kind of run (see agent/gate/timeouts.py)."""
    options = ctx.options
    cap = hard_cap(options.timeout, ctx.session.limits.timeout, ctx.meter.timeout)
    return Bound(original, cap, measured, options.timeout_multiple, options.timeout_floor)


def check_import(ctx: Context, change: Change) -> Check:
    module = change.target.module
    code = f"import {module}"
    limit = bound(ctx, ctx.baseline.suite.run.duration, "test suite")  # which imports it
    if limit.cap > IMPORT_LIMIT:
        limit = replace(limit, cap=IMPORT_LIMIT, cap_name="the limit of an import")
    with ctx.session.workspace(change.files) as ws:
        run = ws.run(["python", "-c", code], timeout=limit.seconds)
    if run.ok:
        return Check(True)
    if ran_past(run):
        return Check(False, limit.describe(f"importing {module}"), evidence(run))
    return Check(
        False,
        f"the module does not import with the candidate in it ({run.describe()}).",
        evidence(run),
    )


def check_callers(ctx: Context, change: Change) -> Check:
    """The tests that call the target, alone: the cheapest run that can reject most candidates."""
    base = ctx.baseline
    wanted = [t for t in base.callers.tests if t in base.passed] or [
        t for t in base.callers.benchmarks if t in base.passed
    ]
    report, _ = _suite(ctx, change, wanted)
    if problem := _cut_short(ctx, report, f"the tests that call {change.target.function}"):
        return Check(False, problem, evidence(report.run), _tally(report, len(wanted)))
    failed = sorted(set(wanted) - report.passed)
    if failed:
        return Check(
            False,
            f"{len(failed)} of the {len(wanted)} tests that call {change.target.function} "
            f"no longer pass, first {failed[0]} ({report.outcomes.get(failed[0], 'not run')}).",
            evidence(report.run),
            _tally(report, len(wanted)),
            test=failed[0],
        )
    return Check(True, tests=_tally(report, len(wanted)))


def check_suite(ctx: Context, change: Change) -> Check:
    """The whole suite: exactly the baseline's passing set passes, nothing newly skipped,
    xfailed or deselected, the run not cut short, and no test file written to."""
    base = ctx.baseline
    report, digests = _suite(ctx, change, base.paths, digest=True)
    tally = _tally(report, len(base.passed))
    if problem := _cut_short(ctx, report, "the test suite"):
        return Check(False, problem, evidence(report.run), tally)
    if report.collected != base.suite.collected:
        return Check(
            False,
            f"pytest collected {report.collected} tests with the candidate and "
            f"{base.suite.collected} without: a rewrite must not change which tests run.",
            evidence(report.run),
            tally,
        )
    if problem := _outcome_problem(base.suite, report):
        lost = min(base.passed - report.passed, default="")  # the first one the problem names
        return Check(False, problem, evidence(report.run), tally, test=lost)
    if digests is not None and (problem := _written_tests(base, digests)):
        return Check(False, problem, "", tally)
    return Check(True, tests=tally)


def _suite(
    ctx: Context, change: Change, tests: tuple[str, ...] | list[str], *, digest: bool = False
) -> tuple[SuiteReport, RunResult | None]:
    """Run pytest on `tests`; with `digest`, hash the test files afterwards in the same place."""
    digests = None
    timeout = bound(ctx, ctx.baseline.suite.run.duration, "test suite").seconds
    with ctx.session.workspace({**change.files, **probe_files()}) as ws:
        report = run_suite(ws, tests, timeout=timeout, extra_args=ctx.meter.quiet)
        names = sorted(ctx.baseline.test_files)
        if digest and names:
            digests = hash_files(ws, names)
    return report, digests


def hash_files(ws: Workspace, names: Sequence[str]) -> RunResult:
    """`sha256sum` of `names` in the workspace, after a run: read by changed_files."""
    return ws.run(["sh", "-c", 'sha256sum -- "$@" 2>&1; true', "sh", *names])


def changed_files(expected: Mapping[str, str], run: RunResult) -> list[str]:
    """The files of `expected` (path -> sha256) whose digest in `run` (hash_files) differs or
    is missing, sorted."""
    seen = {}
    for line in run.stdout.splitlines():
        digest, _, name = line.partition("  ")
        seen[name.strip()] = digest.strip()
    return sorted(n for n, d in expected.items() if seen.get(n) != d)


def _tally(report: SuiteReport, baseline_passed: int) -> SuiteTally:
    return SuiteTally(len(report.passed), len(report.failed), baseline_passed)


def _cut_short(ctx: Context, report: SuiteReport, what: str) -> str | None:
    if report.tampered:
        return "the candidate changed the test framework or the process: " + "; ".join(
            report.tampered
        )
    if ran_past(report.run):
        return bound(ctx, ctx.baseline.suite.run.duration, "test suite").describe(what)
    if not report.finished:
        return (
            f"the test run was cut short ({report.run.describe()}): the process ended before "
            "pytest finished, as `os._exit`, a crash or a hang would end it."
        )
    if report.exitstatus not in (0, 1):
        return (
            f"pytest ended with exit status {report.exitstatus} (interrupted or an internal "
            "error), as `pytest.exit`, `sys.exit` or a patched test framework would end it."
        )
    return None


def _outcome_problem(base: SuiteReport, now: SuiteReport) -> str | None:
    lost = sorted(base.passed - now.passed)
    if lost:
        first = lost[0]
        return (
            f"{len(lost)} test(s) that pass without the candidate do not pass with it, first "
            f"{first} ({now.outcomes.get(first, 'not run')})."
        )
    gained = sorted(now.passed - base.passed)
    if gained:
        return (
            f"{len(gained)} test(s) that do not pass without the candidate pass with it, first "
            f"{gained[0]} (was {base.outcomes.get(gained[0], 'not run')}): an optimization "
            "must not change what the tests see."
        )
    for kind in ("skipped", "xfailed", "xpassed"):
        new = sorted(
            t for t, o in now.outcomes.items() if o == kind and base.outcomes.get(t) != kind
        )
        if new:
            return f"{len(new)} test(s) newly {kind} with the candidate, first {new[0]}."
    return None


def _written_tests(base: Baseline, run: RunResult) -> str | None:
    if changed := changed_files(base.test_files, run):
        return (
            f"after the suite ran, {changed[0]} differs from the repo's copy: a rewrite must "
            "never write to test files."
        )
    return None


def check_behaviour(ctx: Context, change: Change) -> Check:
    base = ctx.baseline
    return _replayed(ctx, change, base.recording, "recorded call")


def check_generated(ctx: Context, change: Change) -> Check:
    generated = ctx.baseline.generated
    if generated is None:
        return Check(True, "generated inputs are turned off (generate_examples = 0)", generated=0)
    return _replayed(ctx, change, generated, "generated input")


def _replayed(ctx: Context, change: Change, recording: Recording, what: str) -> Check:
    generated = what == "generated input"
    limit = bound(ctx, recording.seconds, "replay of them")
    result = behaviour.replay(
        ctx.session,
        recording,
        change.files,
        timeout=limit.seconds,
        float_tolerance=ctx.options.float_tolerance,
        hide=tuple(ctx.baseline.test_files),
        generated=generated,
    )
    counts = {"generated" if generated else "replayed": result.replayed}
    if ran_past(result.run):
        reason = limit.describe(f"the replay of the {what}s")
        return Check(False, reason, evidence(result.run), **counts)  # type: ignore[arg-type]
    if result.error:
        return Check(False, result.error, evidence(result.run), **counts)  # type: ignore[arg-type]
    if result.mismatches:
        first = result.mismatches[0]
        others = result.total_mismatches - 1
        more = f" ({others} more {what}s differ)" if others > 0 else ""
        return Check(
            False,
            f"the candidate behaves differently on a {what}{more}: {first.describe()}",
            "\n".join(m.describe() for m in result.mismatches),
            mismatches=result.total_mismatches,
            test=first.test,
            **counts,  # type: ignore[arg-type]
        )
    if result.replayed == 0:
        why = recording.note or _why_empty(recording)
        return Check(
            False,
            f"no {what} could be compared ({why}), so nothing shows the candidate behaves as "
            "the original does; a step that could not do its work never counts as passed.",
            **counts,  # type: ignore[arg-type]
        )
    return Check(True, **counts)  # type: ignore[arg-type]


def _why_empty(recording: Recording) -> str:
    if recording.calls == 0:
        return "none was recorded"
    return (
        f"of {recording.calls} kept, {recording.unreplayable} cannot be replayed "
        f"(unpicklable arguments, or the unchanged code did not repeat itself)"
    )


def check_efficiency(ctx: Context, change: Change) -> Check:
    """Fewer instructions inside the function on its workload, the same outputs while measured,
    and the saving visible in the whole process (see whole_problem)."""
    before = ctx.baseline.measurement
    function, limit = change.target.function, bound(ctx, before.longest, "longest measured run")
    try:
        after = ctx.meter.measure(function, before.workload, change.files, timeout=limit.seconds)
        comparison = compare_counts(before.counts, after.counts, min_gain=ctx.options.min_gain)
    except TimedOut as exc:
        return Check(False, limit.describe("a measured run of the workload"), evidence(exc.run))
    except (MeasurementError, IncomparableCounts) as exc:
        return Check(False, f"the candidate could not be measured: {exc}")
    counts = Instructions(
        ctx.meter.counter,
        before.counts[0].unit,
        tuple(c.value for c in before.counts),
        tuple(c.value for c in after.counts),
        comparison,
        calls=after.calls,
    )
    workload = " ".join(shlex.quote(t) for t in before.workload[:3])
    shown = f"workload: {workload}{' ...' if len(before.workload) > 3 else ''}"
    if problem := outputs_problem(before.digests, after.digests, "measured run"):
        return Check(False, problem, shown, instructions=counts)
    if not comparison.accepted:
        return Check(
            False, f"not measurably cheaper: {comparison.reason}", shown, instructions=counts
        )
    if before.whole is None:
        return Check(True, comparison.reason, shown, instructions=counts)
    limit = bound(ctx, max(before.whole.seconds, before.longest), "longest measured run")
    try:
        whole, cold = ctx.meter.fresh(
            function, before.workload, change.files, before.whole.passes, timeout=limit.seconds
        )
    except TimedOut as exc:
        reason = limit.describe("a fresh-process run of the workload")
        return Check(False, reason, evidence(exc.run), instructions=counts)
    except MeasurementError as exc:
        return Check(False, f"the fresh processes could not be measured: {exc}", shown)
    counts = replace(counts, whole_before=before.whole.value, whole_after=whole.value)
    if problem := outputs_problem(before.whole.digests, whole.digests, "whole-process run"):
        return Check(False, problem, shown, instructions=counts)
    region = median([c.value for c in before.counts]) - median([c.value for c in after.counts])
    if problem := whole_problem(region, before.whole, whole, ctx.options.allow_state):
        return Check(False, problem, shown, instructions=counts)
    if before.cold is not None and not ctx.options.allow_state:
        warm = (median([c.value for c in before.counts]), median([c.value for c in after.counts]))
        if problem := state_problem(warm, (before.cold, cold)):
            return Check(False, problem, shown, instructions=counts)
    return Check(True, comparison.reason, shown, instructions=counts)


def state_problem(warm: tuple[float, float], cold: tuple[int, int]) -> str | None:
    """Why the candidate keeps state across calls, if it does: its measured (warm) pass costs a
    much smaller share of a cold pass than the original's does. (original, candidate) each."""
    shares = [w / c if c > 0 else 1.0 for w, c in zip(warm, cold, strict=True)]
    if shares[1] >= STATE_RATIO * shares[0]:
        return None
    return (
        f"the candidate keeps state across calls: its measured pass costs {shares[1]:.1%} of "
        f"what the same pass costs in a fresh process ({warm[1]:,.0f} against {cold[1]:,} "
        f"instructions), where the original's costs {shares[0]:.1%}; the warm-up pass filled "
        "something the measured pass reuses (a cache), so the measured saving is not one a "
        "caller sees. If the cache is what you want, pass --allow-state."
    )


def outputs_problem(before: Sequence[str], after: Sequence[str], run: str) -> str | None:
    """Why the candidate's outputs in a measured run are not the unchanged code's, if they are
    not: the count of measured calls, then each call the unchanged code answered the same way
    in every run."""
    if len(before) != len(after):
        return (
            f"the workload made {len(after)} measured calls with the candidate and "
            f"{len(before)} without, in the {run}: a rewrite must not change how often "
            "its function is called."
        )
    for number, (a, b) in enumerate(zip(before, after, strict=True), 1):
        if a and a != b:
            return (
                f"the candidate's outputs while measured differ from the original's (call "
                f"{number} of the {run}): it behaves one way under measurement and another in "
                "the replay, which is how code that detects the counter games it."
            )
    return None


def whole_problem(region: float, before: Whole, after: Whole, allow_state: bool) -> str | None:
    """Why the saving inside the function does not show in the whole process, if it does not.

    `region` is the saving per measured (warm) pass. The whole process is a fresh one running
    the workload once, or with `allow_state` twice (warm-up, then measured, as the region run
    does). A real saving shows there at least once over, less noise; a saving that comes from
    state across calls (a cache the warm-up pass filled: in one cold pass it saves nothing), or
    from work moved to import time, to another process or thread, does not."""
    saved = before.value - after.value
    needed = WHOLE_SHARE * region - WHOLE_NOISE * before.value
    if saved >= needed:
        return None
    passes = f"{before.passes} pass{'es' if before.passes > 1 else ''} of the workload"
    if before.passes == 1 and not allow_state:
        what = (
            "That is what state across calls, work done at import, in a child process or in "
            "another thread look like. If the speedup is a cache you want (state kept across "
            "calls), pass --allow-state; work at import time, in another process or thread is "
            "never counted as a saving."
        )
    else:
        what = (
            "That is what work done at import, in a child process or in another thread looks "
            "like; it is not a saving."
        )
    return (
        f"the saving does not show in the whole process: inside the function it is "
        f"{region:,.0f} instructions per pass, but the whole process (a fresh one, {passes}, "
        f"child processes included) went from {before.value:,} to {after.value:,} instructions "
        f"({saved:+,} saved, at least {needed:,.0f} expected). {what}"
    )
