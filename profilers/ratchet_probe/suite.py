"""Mode "suite": each test's outcome, the number collected, pytest's exit status, and what was
patched in the test framework or the process between configuration and the end of the session."""

from __future__ import annotations

from typing import Any

from .channel import send
from .plugin import tryfirst
from .protocol import SuiteResult, write_result
from .tamper import take_snapshot, tampered_since
from .values import short_repr

MAX_ERRORS = 20  # failing tests whose first error line is kept
MAX_LINE = 300


def first_error_line(longrepr: Any) -> str:
    """The line that says what went wrong: pytest's `E   ` line, else the crash message, else the
    last line of the report."""
    text = str(longrepr)
    for line in text.splitlines():
        if line.startswith("E "):
            return line[1:].strip()[:MAX_LINE]
    message = str(getattr(getattr(longrepr, "reprcrash", None), "message", None) or "")
    if message:
        return message.splitlines()[0][:MAX_LINE]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:MAX_LINE] if lines else "(no message)"


class SuitePlugin:
    def __init__(self, output: str) -> None:
        self.output = output
        self.outcomes: dict[str, str] = {}
        self.errors: dict[str, str] = {}  # nodeid -> the first error line, for the first few
        self.collected = 0
        self.interrupted: str | None = None  # pytest.exit or KeyboardInterrupt ended the session
        self.before = take_snapshot()
        self.send = send  # bound before any test code runs

    def note(self, report: Any) -> None:
        self._note(report)
        if report.failed:
            self.keep_error(report)
        if report.nodeid in self.outcomes:
            self.send("outcome", [report.nodeid, self.outcomes[report.nodeid]])

    def _note(self, report: Any) -> None:
        nodeid, when = report.nodeid, report.when
        xfail = hasattr(report, "wasxfail")
        if when == "call":
            if xfail:
                outcome = "xfailed" if report.skipped else "xpassed" if report.passed else "failed"
            else:
                outcome = report.outcome
            if self.outcomes.get(nodeid) != "error":
                self.outcomes[nodeid] = outcome
        elif report.failed:
            self.outcomes[nodeid] = "error"
        elif report.skipped and when == "setup":
            self.outcomes[nodeid] = "xfailed" if xfail else "skipped"

    def note_collection(self, report: Any) -> None:
        if report.failed:
            nodeid = report.nodeid or "<collection>"
            self.outcomes[nodeid] = "error"
            self.keep_error(report)
            self.send("outcome", [nodeid, "error"])

    def keep_error(self, report: Any) -> None:
        nodeid = report.nodeid or "<collection>"
        if nodeid not in self.errors and len(self.errors) < MAX_ERRORS:
            try:
                self.errors[nodeid] = first_error_line(report.longrepr)
            except Exception as exc:  # a report that cannot be shown is still a failure
                self.errors[nodeid] = f"(its report could not be read: {type(exc).__name__})"

    def pytest_runtest_logreport(self, report: Any) -> None:
        self.note(report)

    def pytest_collectreport(self, report: Any) -> None:
        self.note_collection(report)

    def pytest_keyboard_interrupt(self, excinfo: Any) -> None:
        """Called for KeyboardInterrupt and for pytest.exit (whatever return code it asks for)."""
        self.interrupted = short_repr(excinfo.value)

    def pytest_collection_finish(self, session: Any) -> None:
        self.collected = len(session.items)

    @tryfirst
    def pytest_sessionfinish(self, session: Any, exitstatus: Any) -> None:
        result = SuiteResult(
            outcomes=self.outcomes,
            collected=self.collected,
            exitstatus=int(exitstatus),
            finished=self.interrupted is None,
            interrupted=self.interrupted,
            errors=self.errors,
            tampered=tuple(tampered_since(self.before)),
        )
        write_result(self.output, "suite", result)
