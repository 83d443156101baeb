"""What `ratchet debug` found, and how it reads: JSON (version 1), text, and editor lines.

    {"version": 1,
     "failing_tests": [{"nodeid", "message", "hang", "frames": [{"file", "line", "function"}]}],
     "blocks": [{"rank", "file", "function", "start_line", "end_line", "score", "failed",
                 "passed", "code", "state": [{"call", "iteration", "values": {name: repr}}]}],
     "passed": int, "crash": {"test", "problem"} | null,
     "fix": null | {"verdict": "accepted" | "rejected", "patch", "function", "reason", "tier",
                    "rounds", "stopped", "applied": [path],
                    "attempts": [{"round", "status", "step", "reason", "function", "why",
                                  "patch", "blocks": [{"block", "verdict", "explanation"}]}]}}

"fix" is null at the Low tier (no LLM); at Mid and High it is the LDB loop's outcome (repair.py).

Blocks are in rank order. The vscode format is one `file:line:col: severity: message` line
per failing test (error) and per suspect block (warning for the top three, info below).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from profilers.blocks import TestRun

from .rank import Suspect

if TYPE_CHECKING:
    from .repair import Fix

WARN_RANKS = 3  # suspects shown as warnings in an editor; the rest as information


@dataclass(frozen=True)
class Execution:
    """A suspect block's state after one of its executions in the traced failing test."""

    call: int  # which call of its function, from 1
    iteration: int  # which execution of the block in that call, from 1
    state: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Located:
    rank: int
    suspect: Suspect
    code: str
    executions: tuple[Execution, ...]


@dataclass(frozen=True)
class Crash:
    test: str | None  # the test the run ended in, when known
    problem: str


@dataclass(frozen=True)
class DebugReport:
    failing: tuple[TestRun, ...]
    blocks: tuple[Located, ...]
    passed: int  # tests that passed
    crash: Crash | None
    chosen: tuple[str, ...]  # the tests asked about (all, without --test)
    passing: tuple[str, ...] = ()  # the tests that passed: what a fix must keep passing
    collected: int = 0  # tests pytest collected
    seconds: float = 0.0  # the suite's run, traced line by line
    fix: Fix | None = None  # the Mid and High tiers' fix; None at the Low tier

    @property
    def nothing_to_debug(self) -> bool:
        return not self.failing and self.crash is None

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "failing_tests": [_test_json(test) for test in self.failing],
            "blocks": [_block_json(located) for located in self.blocks],
            "passed": self.passed,
            "crash": None if self.crash is None else vars(self.crash),
            "fix": None if self.fix is None else self.fix.to_json(),
        }


def _test_json(test: TestRun) -> dict[str, Any]:
    failure = test.failure
    frames = failure.frames if failure else ()
    return {
        "nodeid": test.nodeid,
        "message": failure.message if failure else "",
        "hang": bool(failure and failure.hang),
        "frames": [{"file": f, "line": n, "function": name} for f, n, name in frames],
    }


def _block_json(located: Located) -> dict[str, Any]:
    suspect = located.suspect
    ref = suspect.block
    return {
        "rank": located.rank,
        "file": ref.path,
        "function": ref.qualname,
        "start_line": ref.start_line,
        "end_line": ref.end_line,
        "score": round(suspect.score, 4),
        "failed": suspect.failed,
        "passed": suspect.passed,
        "code": located.code,
        "state": [
            {"call": e.call, "iteration": e.iteration, "values": dict(e.state)}
            for e in located.executions
        ],
    }


def render_text(report: DebugReport) -> str:
    if report.nothing_to_debug:
        return _nothing(report)
    lines: list[str] = []
    if report.crash is not None:
        lines += [_crash_text(report.crash), ""]
    if report.failing:
        lines.append(f"{_count(len(report.failing), 'failing test')} ({report.passed} passed):")
        lines += [f"  {test.nodeid}\n    {_why(test)}" for test in report.failing]
    if report.blocks:
        first = report.failing[0].nodeid
        lines += ["", "Suspicious blocks, most suspicious first (Ochiai: which tests ran them):"]
        for located in report.blocks:
            lines += _block_text(located, first)
    if report.fix is not None:
        lines += ["", *_fix_text(report.fix)]
    return "\n".join(lines)


def _fix_text(fix: Fix) -> list[str]:
    accepted = fix.accepted
    rounds = len({a.round for a in fix.attempts})
    if accepted is None:
        head = f"Fix ({fix.tier} tier): none accepted in {_count(rounds, 'round')}"
        lines = [head + (f"; stopped: {fix.stopped}" if fix.stopped else "") + ":"]
        lines += [f"  round {a.round}: {a.status} at {a.step}: {a.reason}" for a in fix.attempts]
        return lines
    lines = [f"Fix ({fix.tier} tier), accepted in round {accepted.round}: {accepted.reason}."]
    lines += [
        f"  block {v.block} judged wrong: {v.explanation}"
        for v in accepted.verdicts
        if v.verdict == "wrong"
    ]
    if accepted.why:
        lines.append(f"  why: {accepted.why}")
    if fix.applied:
        lines.append(f"  written to {', '.join(fix.applied)}")
    return [*lines, "", accepted.patch.rstrip("\n")]


def _nothing(report: DebugReport) -> str:
    if len(report.chosen) == 1:
        return f"nothing to debug: {report.chosen[0]} passed"
    if report.chosen and report.passed < len(report.chosen):
        return f"nothing to debug: none of the {len(report.chosen)} tests asked about failed"
    return f"nothing to debug: all {_count(report.passed, 'test')} passed"


def _crash_text(crash: Crash) -> str:
    where = f" in {crash.test}" if crash.test else ""
    return (
        f"the test run ended{where} without finishing it: {crash.problem}. A crash in C code or "
        "os._exit leaves no trace and no traceback to rank; run that test alone "
        "(`python -m pytest -x TEST`) to see how it ends."
    )


def _why(test: TestRun) -> str:
    failure = test.failure
    if failure is None:
        return "(it failed; pytest gave no exception)"
    message = failure.message.strip().splitlines()
    return message[0] if message else "(no message)"


def _block_text(located: Located, test: str) -> list[str]:
    suspect, ref = located.suspect, located.suspect.block
    same = ref.start_line == ref.end_line
    span = str(ref.start_line) if same else f"{ref.start_line}-{ref.end_line}"
    head = (
        f"{located.rank:>2}. {ref.path}:{span}  {ref.qualname}  score {suspect.score:.2f} "
        f"({suspect.failed} failing, {suspect.passed} passing tests ran it)"
    )
    lines = [head, *(f"      | {line}" for line in located.code.splitlines())]
    if located.executions:
        lines.append(f"    after it, in {test}:")
        for e in located.executions:
            values = ", ".join(f"{name} = {value}" for name, value in e.state) or "(no change)"
            lines.append(f"      call {e.call}, #{e.iteration}: {values}")
    return lines


def render_vscode(report: DebugReport) -> str:
    lines = []
    for test in report.failing:
        path, line = _test_location(test)
        lines.append(f"{path}:{line}:1: error: {test.nodeid} failed: {_why(test)}")
    for located in report.blocks:
        ref, suspect = located.suspect.block, located.suspect
        severity = "warning" if located.rank <= WARN_RANKS else "info"
        state = ""
        if located.executions:
            last = located.executions[-1].state
            state = "; after it: " + ", ".join(f"{n} = {v}" for n, v in last) if last else ""
        lines.append(
            f"{ref.path}:{ref.start_line}:1: {severity}: suspicious block #{located.rank} in "
            f"{ref.qualname} (score {suspect.score:.2f}){state}"
        )
    return "\n".join(lines)


def _test_location(test: TestRun) -> tuple[str, int]:
    """Where the failure shows in the test's own file: its deepest frame there."""
    test_file = test.nodeid.split("::", 1)[0]
    frames = test.failure.frames if test.failure else ()
    inside = [line for path, line, _ in frames if path == test_file]
    return test_file, inside[-1] if inside else 1


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
