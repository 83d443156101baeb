"""The gate's steps after the static ones, each in a fresh sandbox workspace with the candidate
applied. Each returns a `Check`: passed, or failed with a reason and the evidence behind it."""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from profilers import behaviour
from profilers.behaviour import BehaviourResult
from profilers.compare import compare_counts
from profilers.counts import IncomparableCounts
from profilers.measure import MeasurementError, Meter
from profilers.probe import probe_files
from profilers.runs import tail
from profilers.suite import SuiteReport, run_suite
from sandbox.base import RunResult, Session

from .baseline import Baseline, GateOptions
from .target import Change
from .verdict import Instructions, SuiteTally

TAIL_LINES = 30


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


def evidence(run: RunResult) -> str:
    """The end of what a run printed: the evidence behind a rejection."""
    return tail(run, TAIL_LINES, sep="\n")


def check_import(ctx: Context, change: Change) -> Check:
    module = change.target.module
    code = f"import {module}"
    with ctx.session.workspace(change.files) as ws:
        run = ws.run(["python", "-c", code], timeout=ctx.options.timeout or 120)
    if run.ok:
        return Check(True)
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
    if problem := _cut_short(report):
        return Check(False, problem, evidence(report.run), _tally(report, len(wanted)))
    failed = sorted(set(wanted) - report.passed)
    if failed:
        return Check(
            False,
            f"{len(failed)} of the {len(wanted)} tests that call {change.target.function} "
            f"no longer pass, first {failed[0]} ({report.outcomes.get(failed[0], 'not run')}).",
            evidence(report.run),
            _tally(report, len(wanted)),
        )
    return Check(True, tests=_tally(report, len(wanted)))


def check_suite(ctx: Context, change: Change) -> Check:
    """The whole suite: exactly the baseline's passing set passes, nothing newly skipped,
    xfailed or deselected, the run not cut short, and no test file written to."""
    base = ctx.baseline
    report, digests = _suite(ctx, change, base.paths, digest=True)
    tally = _tally(report, len(base.passed))
    if problem := _cut_short(report):
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
        return Check(False, problem, evidence(report.run), tally)
    if digests is not None and (problem := _written_tests(base, digests)):
        return Check(False, problem, "", tally)
    return Check(True, tests=tally)


def _suite(
    ctx: Context, change: Change, tests: tuple[str, ...] | list[str], *, digest: bool = False
) -> tuple[SuiteReport, RunResult | None]:
    """Run pytest on `tests`; with `digest`, hash the test files afterwards in the same place."""
    digests = None
    with ctx.session.workspace({**change.files, **probe_files()}) as ws:
        report = run_suite(ws, tests, timeout=ctx.options.timeout, extra_args=ctx.meter.quiet)
        names = sorted(ctx.baseline.test_files)
        if digest and names:
            digests = ws.run(["sh", "-c", 'sha256sum -- "$@" 2>&1; true', "sh", *names])
    return report, digests


def _tally(report: SuiteReport, baseline_passed: int) -> SuiteTally:
    return SuiteTally(len(report.passed), len(report.failed), baseline_passed)


def _cut_short(report: SuiteReport) -> str | None:
    if report.tampered:
        return "the candidate changed the test framework or the process: " + "; ".join(
            report.tampered
        )
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
    seen = {}
    for line in run.stdout.splitlines():
        digest, _, name = line.partition("  ")
        seen[name.strip()] = digest.strip()
    changed = sorted(n for n, d in base.test_files.items() if seen.get(n) != d)
    if changed:
        return (
            f"after the suite ran, {changed[0]} differs from the repo's copy: a rewrite must "
            "never write to test files."
        )
    return None


def check_behaviour(ctx: Context, change: Change) -> Check:
    base, options = ctx.baseline, ctx.options
    result = behaviour.replay(
        ctx.session,
        base.recording,
        change.files,
        timeout=options.timeout,
        float_tolerance=options.float_tolerance,
        hide=tuple(base.test_files),
    )
    return _behaviour_check(result, "recorded call", generated=False)


def check_generated(ctx: Context, change: Change) -> Check:
    base, options = ctx.baseline, ctx.options
    target = change.target
    if options.generate_seconds <= 0:
        return Check(True, generated=0)
    result = behaviour.generate(
        ctx.session,
        base.recording,
        {target.path: target.source},
        change.files,
        seconds=options.generate_seconds,
        max_examples=options.max_examples,
        timeout=options.timeout,
        float_tolerance=options.float_tolerance,
        hide=tuple(base.test_files),
    )
    return _behaviour_check(result, "generated input", generated=True)


def _behaviour_check(result: BehaviourResult, what: str, *, generated: bool) -> Check:
    counts = {"generated" if generated else "replayed": result.replayed}
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
            **counts,  # type: ignore[arg-type]
        )
    return Check(True, **counts)  # type: ignore[arg-type]


def check_efficiency(ctx: Context, change: Change) -> Check:
    base = ctx.baseline
    before = base.measurement
    try:
        after = ctx.meter.measure(change.target.function, before.workload, change.files)
        comparison = compare_counts(before.counts, after.counts, min_gain=ctx.options.min_gain)
    except (MeasurementError, IncomparableCounts) as exc:
        return Check(False, f"the candidate could not be measured: {exc}")
    counts = Instructions(
        ctx.meter.counter,
        before.counts[0].unit,
        tuple(c.value for c in before.counts),
        tuple(c.value for c in after.counts),
        comparison,
    )
    workload = " ".join(shlex.quote(t) for t in before.workload[:3])
    evidence = f"workload: {workload}{' ...' if len(before.workload) > 3 else ''}"
    if not comparison.accepted:
        return Check(
            False, f"not measurably cheaper: {comparison.reason}", evidence, instructions=counts
        )
    return Check(True, comparison.reason, evidence, instructions=counts)
