"""The held-out checks of an accepted rewrite: code the gate never saw, run in a sandbox.

    checked = hold_out(task, report, scratch, log, sandbox)   # every accepted patch of a report

Each accepted result's patch (a unified diff with a/ and b/ paths) is applied with `git apply`
to a fresh copy of the task, and the held-out tests run there through `ratchet sandbox run`
(the accepted code is a model's, as untrusted as any candidate, so it never runs on the host
outside a sandbox): the hidden tests of the task (`<task>/test_*.py` beside
this file, copied into the copy's tests/ folder) when it has some, else the library's own full
suite. They run once on the unchanged copy too; a test that passes there and fails with the
patch, and fails again when run alone, is a false accept. A run of the whole suite that does
not finish (pytest's exit status past 1, or the timeout) counts as one.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.real import ratchet

HIDDEN = Path(__file__).resolve().parent
CHECK_TIMEOUT = 1800.0  # seconds for one held-out test run
PYTEST = ("-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider")
REPORTED = re.compile(r"^(?:FAILED|ERROR) (.+?)(?: - (.*))?$", re.MULTILINE)  # -rfE's summary


@dataclass(frozen=True)
class Task:
    name: str
    source: Path
    hidden: tuple[Path, ...]  # hidden test files, copied into tests/; () to hold out the suite
    suite: tuple[str, ...]  # the library's own tests, run when there are no hidden ones


@dataclass(frozen=True)
class FalseAccept:
    function: str
    test: str  # the held-out test that failed with the patch, or what went wrong
    message: str = ""


@dataclass
class Checked:
    checks: str  # which held-out checks ran, or why none did
    false_accepts: list[FalseAccept] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TestRun:
    failing: dict[str, str]  # test id -> the one-line message pytest gave
    usable: bool  # pytest ran the tests (exit 0 or 1)
    output: str


def hidden_tests(task: str) -> tuple[Path, ...]:
    return tuple(sorted((HIDDEN / task).glob("test_*.py")))


def run_tests(copy: Path, tests: Sequence[str], sandbox: str) -> TestRun:
    """The tests, run in a fresh `sandbox` workspace of the copy by the real CLI."""
    argv = ["env", "COLUMNS=200", "python", *PYTEST, *tests]  # wide: pytest keeps messages
    done = ratchet("sandbox", "run", str(copy), "--sandbox", sandbox, "--format", "json",
                   "--timeout", str(CHECK_TIMEOUT), "--", *argv)  # fmt: skip
    try:
        result = json.loads(done.stdout)["result"]
    except (ValueError, KeyError, TypeError):
        said = f"`ratchet sandbox run` exited {done.returncode}: {done.stderr.strip()[-300:]}"
        return TestRun({f"(the whole run: {said})": ""}, False, said)
    if result["timed_out"]:
        said = f"timed out after {CHECK_TIMEOUT:.0f} s"
        return TestRun({f"(the whole run: {said})": ""}, False, said)
    stdout, returncode = result["stdout"], result["returncode"]
    failing = {m.group(1): (m.group(2) or "")[:300] for m in REPORTED.finditer(stdout)}
    usable = returncode in (0, 1)
    if not usable:
        failing[f"(the whole run: pytest exit {returncode})"] = stdout[-300:]
    return TestRun(failing, usable, stdout + result["stderr"])


def fresh_copy(task: Task, where: Path) -> Path:
    shutil.copytree(task.source, where)
    if task.hidden:
        (where / "tests").mkdir(exist_ok=True)
        for test in task.hidden:
            shutil.copy(test, where / "tests" / test.name)
    return where


def apply_patch(copy: Path, patch: str) -> str | None:
    """None when the patch applied, else what git said."""
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(copy.parent)}
    done = subprocess.run(["git", "apply", "--whitespace=nowarn", "-"], input=patch, cwd=copy,
                          env=env, text=True, capture_output=True)  # fmt: skip
    said = " ".join(done.stderr.split())[:300] or "git apply failed"
    return None if done.returncode == 0 else said


def hold_out(
    task: Task, report: dict[str, Any], scratch: Path, log: list[str], sandbox: str
) -> Checked:
    """The held-out checks of every accepted patch, each on a fresh copy of the task."""
    tests = [f"tests/{t.name}" for t in task.hidden] or list(task.suite)
    what = "hidden tests" if task.hidden else "full suite"
    accepted = [r for r in report.get("results", []) if r.get("status") == "accepted"]
    if not accepted:
        return Checked("nothing accepted")
    before = run_tests(fresh_copy(task, scratch / "unchanged"), tests, sandbox)
    log.append(f"== unchanged: {len(before.failing)} failing\n{before.output}")
    if not before.usable:
        broken = f"the {what} do not run on the unchanged copy (see the checks log)"
        return Checked(f"{what}: not run", errors=[broken])
    checked = Checked(f"{what}, {len(accepted)} patch(es)")
    for index, result in enumerate(accepted):
        function = str(result.get("function"))
        copy = fresh_copy(task, scratch / f"patched-{index}")
        if problem := apply_patch(copy, result.get("patch") or ""):
            checked.errors.append(f"{function}: the patch did not apply: {problem}")
            continue
        after = run_tests(copy, tests, sandbox)
        log.append(f"== {function}: {len(after.failing)} failing\n{after.output}")
        new = {t: m for t, m in after.failing.items() if t not in before.failing}
        checked.false_accepts += [
            FalseAccept(function, t, m) for t, m in confirm(copy, new, sandbox)
        ]
    return checked


def confirm(copy: Path, new: dict[str, str], sandbox: str) -> list[tuple[str, str]]:
    """The new failures that fail again on a second run (a failed whole run stands as it is)."""
    tests = [t for t in new if not t.startswith("(")]
    again = run_tests(copy, tests, sandbox) if tests else None
    return [
        (t, m)
        for t, m in new.items()
        if again is None or t not in tests or t in again.failing or not again.usable
    ]
