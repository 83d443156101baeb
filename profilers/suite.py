"""A full or partial test run with each test's outcome and evidence of tampering.

The probe (mode "suite") records every test's outcome as pytest reports it, the number of items
collected, pytest's exit status, and which parts of the test framework or the process (exit
functions, builtins, pytest's runner, reports and outcomes, pluggy, the probe itself) were
replaced between configuration and the end of the session. When its result is missing the run
did not finish (os._exit, a crash, a timeout), and neither did a session that pytest.exit ended.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from sandbox.base import RunResult, Workspace

from .probe import PYTEST, run_probe
from .ratchet_probe.protocol import SuiteConfig, SuiteResult

OUTCOMES = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")


@dataclass(frozen=True)
class SuiteReport:
    outcomes: Mapping[str, str]  # nodeid -> one of OUTCOMES (collection errors: the collector's id)
    collected: int  # items collected, after deselection
    finished: bool  # pytest reached sessionfinish uninterrupted and the probe wrote its result
    exitstatus: int | None  # pytest's session exit status as the probe saw it
    tampered: tuple[str, ...]  # sentences: what was patched in the test framework or process
    run: RunResult
    interrupted: str | None = None  # what ended the session early: pytest.exit(...), Ctrl-C
    errors: Mapping[str, str] = field(default_factory=dict)  # nodeid -> first error line (a few)

    @property
    def passed(self) -> frozenset[str]:
        return frozenset(t for t, o in self.outcomes.items() if o == "passed")

    @property
    def failed(self) -> frozenset[str]:
        return frozenset(t for t, o in self.outcomes.items() if o in ("failed", "error"))


def describe_failures(suite: SuiteReport, shown: int = 3) -> str:
    """The failing tests in a few words: 'tests/test_a.py::test_x (AssertionError: ...)' for the
    first `shown`, then how many more."""
    failing = sorted(suite.failed)
    if not failing:
        return "no test fails"
    parts = []
    for nodeid in failing[:shown]:
        line = suite.errors.get(nodeid)
        parts.append(f"{nodeid} ({line})" if line else nodeid)
    more = f", and {len(failing) - shown} more" if len(failing) > shown else ""
    count = "1 test fails" if len(failing) == 1 else f"{len(failing)} tests fail"
    return f"{count}: {'; '.join(parts)}{more}"


def run_suite(
    ws: Workspace,
    tests: Sequence[str] = (),
    *,
    timeout: float | None = None,
    extra_args: Sequence[str] = (),
) -> SuiteReport:
    """Run pytest on `tests` (node ids or paths; none: pytest's own selection) in `ws`, which must
    already hold the probe files (profilers.probe.probe_files())."""
    argv = ["python", *PYTEST, "--benchmark-disable", *extra_args, *tests]
    probed = run_probe(ws, SuiteConfig(), argv, timeout)
    if probed.forged:
        return SuiteReport({}, 0, False, None, (probed.forged,), probed.run)
    return read_report(probed.result, probed.run, probed.frames.of("outcome"))


def read_report(
    result: SuiteResult | None, run: RunResult, sent: Sequence[object] = ()
) -> SuiteReport:
    """The probe's result as a SuiteReport. Counted as tampering: a process that exited otherwise
    than pytest's session ended (something ran after the session), and a result whose outcomes
    are not the ones the probe sent test by test as they happened."""
    if result is None:
        return SuiteReport({}, 0, False, None, (), run)
    tampered = list(result.tampered)
    if (changed := _changed_outcome(sent, result.outcomes)) is not None:
        tampered.append(
            f"the outcome of {changed} in the probe's result is not the one it sent when the "
            "test ran: something in the process rewrote the outcomes"
        )
    if not run.timed_out and run.returncode != result.exitstatus:
        tampered.append(
            f"pytest's session ended with exit status {result.exitstatus}, but the process "
            f"exited with {run.returncode}: something ran after the session and changed how it "
            "ended"
        )
    return SuiteReport(
        outcomes=dict(result.outcomes),
        collected=result.collected,
        finished=result.finished,
        exitstatus=result.exitstatus,
        tampered=tuple(tampered),
        run=run,
        interrupted=result.interrupted,
        errors=dict(result.errors),
    )


def _changed_outcome(sent: Sequence[object], outcomes: Mapping[str, str]) -> str | None:
    """The first test whose final outcome differs from the last one sent for it, if any."""
    folded: dict[str, str] = {}
    for item in sent:
        if isinstance(item, (list, tuple)) and len(item) == 2:
            folded[str(item[0])] = str(item[1])
    for nodeid in sorted(set(folded) | set(outcomes)):
        if folded.get(nodeid) != outcomes.get(nodeid):
            return nodeid
    return None
