"""The gate for a debug fix: the same rewrite engine and reward-hack screen as optimize, then
the whole suite with the fix in place.

    verdict = gate_fix(session, target, fix_source, before)   # -> FixVerdict

Cheapest first, the first failing step decides:
1. tests:  the fix is for a function of a test file, conftest or benchmark (never fixed: the
           tests are the contract).
2. apply:  libcst replaces the function's def in its module (the engine `ratchet verify` uses).
3. screen: the code is not the same as before, and passes the static screen (no exits, no test
           framework, no patching, no state across calls, no reading of test files).
4. suite:  the whole suite runs with the fix, through the probe's hardened suite mode: every
           failing test asked about now passes, every test that passed before still passes,
           none is newly collected away, nothing tampered with the run, and every protected
           file hashes as it did before the run.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from profilers.probe import probe_files
from profilers.runs import tail
from profilers.suite import SuiteReport, run_suite
from sandbox.base import RunResult, Session
from sandbox.layout import is_protected_path

from ..gate import Change, Target, apply_candidate, check_on_host
from ..gate.steps import changed_files, hash_files
from ..rewrite import Rejected

log = logging.getLogger(__name__)
EVIDENCE_LINES = 20
MIN_SECONDS = 60.0  # the least a fix's suite run may take, whatever the baseline took
SLOWER = 4.0  # times the baseline's run (which traced every line) a fix's run may take


@dataclass(frozen=True)
class Before:
    """What the repo's suite did without the fix: the contract a fix is held to."""

    failing: tuple[str, ...]  # the tests to fix
    passed: frozenset[str]
    collected: int
    seconds: float  # the baseline run's wall time
    protected: Mapping[str, str]  # repo path -> sha256 of each test file, conftest, benchmark


@dataclass(frozen=True)
class FixVerdict:
    status: Literal["accepted", "rejected"]
    step: str
    reason: str
    evidence: str = ""
    patch: str = ""
    change: Change | None = None


def gate_fix(session: Session, target: Target, candidate: str, before: Before) -> FixVerdict:
    """The verdict on `candidate` (the new def of `target`); never raises for a bad fix."""
    if is_protected_path(target.path):
        return FixVerdict(
            "rejected",
            "tests",
            f"{target.path} is a test file: a fix may change the code under test, never the "
            "tests, which say what the code should do.",
        )
    applied = apply_candidate(target, candidate)
    if isinstance(applied, Rejected):
        return FixVerdict("rejected", "apply", applied.reason)
    if applied.unchanged:
        reason = f"the fix is {target.function} as it already is (up to comments and layout)."
        return FixVerdict("rejected", "apply", reason, patch=applied.patch)
    if (refused := check_on_host(applied, {})) is not None:
        return FixVerdict("rejected", "screen", refused.reason, refused.evidence, applied.patch)
    return _suite(session, applied, before)


def _suite(session: Session, change: Change, before: Before) -> FixVerdict:
    timeout = max(MIN_SECONDS, SLOWER * before.seconds)
    if session.limits.timeout:
        timeout = min(timeout, session.limits.timeout)
    protected = sorted(before.protected)
    with session.workspace({**change.files, **probe_files()}) as ws:
        report = run_suite(ws, (), timeout=timeout)
        digests = hash_files(ws, protected)
    problem = _suite_problem(report, before, timeout) or _written(before.protected, digests)
    if problem:
        evidence = tail(report.run, EVIDENCE_LINES, sep="\n")
        return FixVerdict("rejected", "suite", problem, evidence, change.patch, change)
    fixed = len(before.failing)
    reason = (
        f"the {_tests(fixed, 'failing test')} now pass{'es' if fixed == 1 else ''}, and all "
        f"{len(before.passed)} that passed before still pass"
    )
    return FixVerdict("accepted", "suite", reason, patch=change.patch, change=change)


def _suite_problem(report: SuiteReport, before: Before, timeout: float) -> str | None:
    if report.tampered:
        return "the fix changed the test framework or the process: " + "; ".join(report.tampered)
    if report.run.timed_out:
        return (
            f"the test suite was still running after {timeout:.0f} s with the fix (the run "
            f"without it took {before.seconds:.0f} s): the fix hangs or is far slower."
        )
    if not report.finished or report.exitstatus not in (0, 1):
        return (
            f"the test run did not finish ({report.run.describe()}, pytest exit status "
            f"{report.exitstatus}): the fix ends the process, crashes or breaks collection."
        )
    if report.collected < before.collected:
        return (
            f"pytest collected {report.collected} tests with the fix and {before.collected} "
            "without: a fix must not change which tests run."
        )
    if still := [t for t in before.failing if t not in report.passed]:
        outcome = report.outcomes.get(still[0], "not run")
        return f"{_tests(len(still), 'failing test')} still fail, first {still[0]} ({outcome})."
    if lost := sorted(before.passed - report.passed):
        outcome = report.outcomes.get(lost[0], "not run")
        return (
            f"{_tests(len(lost), 'test')} that passed before the fix no longer pass, first "
            f"{lost[0]} ({outcome})."
        )
    return None


def _written(protected: Mapping[str, str], run: RunResult) -> str | None:
    if changed := changed_files(protected, run):
        return (
            f"after the suite ran, {changed[0]} differs from the repo's copy: a fix must never "
            "write to test files."
        )
    return None


def _tests(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
