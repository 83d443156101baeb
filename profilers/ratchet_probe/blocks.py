"""Mode "blocks": what each test ran, block by block, sent test by test as it ends.

Without trace targets, the lines each test ran in the repo's source files (the spectrum that
fault localization ranks); with them, the block trace (blocktrace.py) of each target. A frame
"start" {"nodeid"} as each test starts, and one "test" when its setup, call and teardown end:

    {"nodeid", "outcome": passed|failed|skipped, "lines": {path: [line, ...]},
     "failure": {"message", "frames": [[path, line, function], ...], "hang": bool} | None,
     "calls": [CallTrace as plain data, ...]}

A test still running after `test_timeout` seconds gets an alarm that raises TestHang (a
BaseException, so `except Exception` in the code under test does not swallow it) every second
until the test ends: the hang becomes a failure with what it ran so far, not a killed process.
Paths are relative to the workspace's root where they lie under it.
"""

from __future__ import annotations

import os
import signal
import threading
import traceback
from dataclasses import replace
from typing import Any

from .blocktrace import BlockTracer
from .cfg import FunctionGraph, function_graphs
from .channel import send
from .plugin import tryfirst
from .protocol import BlocksConfig, BlocksResult, _plain, write_result
from .tracing import LineCoverage

MAX_FRAMES = 30  # traceback entries kept, innermost last
MAX_MESSAGE = 1200
NOT_FAILURES = ("Skipped", "XFailed", "Exit")  # pytest's own exceptions for other outcomes


class TestHang(BaseException):
    """Raised into a test that runs past its time: a hang."""

    __module__ = "builtins"  # pytest shows "TestHang: ...", not the probe's module path


class BlocksPlugin:
    def __init__(self, config: BlocksConfig, output: str) -> None:
        self.config = config
        self.output = output
        self.root = os.path.realpath(config.root)
        self.files = [os.path.join(self.root, path) for path in config.files]
        self.errors: list[str] = []
        self.graphs = self._graphs(config.trace)
        self.collected = 0
        self.recorder: Any = None
        self.outcome = "passed"
        self.failure: dict[str, Any] | None = None
        self.send = send  # bound before any test code runs

    def _graphs(self, targets: tuple[str, ...]) -> list[FunctionGraph]:
        graphs = []
        for target in targets:
            path, _, qualname = target.partition("::")
            filename = os.path.join(self.root, path)
            try:
                with open(filename, encoding="utf-8") as handle:
                    found = function_graphs(handle.read(), filename).get(qualname)
            except (OSError, SyntaxError, ValueError) as exc:
                self.errors.append(f"{path} could not be read: {type(exc).__name__}: {exc}")
                continue
            if found is None:
                self.errors.append(f"{path} defines no function {qualname}")
            else:
                graphs.append(found)
        return graphs

    def pytest_collection_finish(self, session: Any) -> None:
        self.collected = len(session.items)

    def pytest_runtest_logstart(self, nodeid: str, location: Any) -> None:
        self.send("start", {"nodeid": nodeid})  # names the test a crash or os._exit ends
        self.outcome, self.failure = "passed", None
        if self.config.trace:
            self.recorder = BlockTracer(self.graphs) if self.graphs else None
        else:
            self.recorder = LineCoverage(self.files)
        self._alarm(self.config.test_timeout)
        if self.recorder is not None:
            self.recorder.start()

    @tryfirst
    def pytest_runtest_makereport(self, item: Any, call: Any) -> None:
        """Keep the traceback of a failing phase (pytest makes the report itself: None)."""
        excinfo = getattr(call, "excinfo", None)
        if excinfo is None or self.failure is not None or excinfo.typename in NOT_FAILURES:
            return None
        try:
            self.failure = self._failure(excinfo)
        except Exception as exc:  # a failure that cannot be read is still one
            self.failure = {"message": f"({type(exc).__name__})", "frames": [], "hang": False}
        return None

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.failed:
            self.outcome = "failed"
        elif report.skipped and self.outcome == "passed":
            self.outcome = "skipped"

    def pytest_runtest_logfinish(self, nodeid: str, location: Any) -> None:
        found, recorder, self.recorder = self._stop(), self.recorder, None
        self._alarm(0)
        found = found if recorder is not None else None
        lines, calls = {}, []
        if isinstance(recorder, LineCoverage) and found is not None:
            lines = {self._relative(f): sorted(ls) for f, ls in found.items() if ls}
        elif isinstance(recorder, BlockTracer):
            calls = [
                _plain(replace(call, filename=self._relative(call.filename)))
                for call in recorder.calls()
            ]
        failure = self.failure if self.outcome == "failed" else None
        self.send("test", {"nodeid": nodeid, "outcome": self.outcome, "lines": lines,
                           "failure": failure, "calls": calls})  # fmt: skip

    def _stop(self) -> Any:
        if self.recorder is None:
            return None
        try:
            return self.recorder.stop()
        except Exception as exc:
            self.errors.append(f"the recorder could not stop: {type(exc).__name__}: {exc}")
            return None

    @tryfirst
    def pytest_sessionfinish(self, session: Any, exitstatus: Any) -> None:
        self._alarm(0)
        result = BlocksResult(self.collected, int(exitstatus), tuple(self.errors))
        write_result(self.output, "blocks", result)

    def _failure(self, excinfo: Any) -> dict[str, Any]:
        here = os.path.dirname(os.path.realpath(__file__)) + os.sep
        entries = [  # not the probe's own frames: the hang alarm's handler is one
            e for e in traceback.extract_tb(excinfo.tb)
            if not os.path.realpath(e.filename).startswith(here)
        ][-MAX_FRAMES:]  # fmt: skip
        frames = [[self._relative(e.filename), e.lineno or 0, e.name] for e in entries]
        message = str(excinfo.exconly())[:MAX_MESSAGE]
        return {"message": message, "frames": frames, "hang": excinfo.type is TestHang}

    def _relative(self, filename: str) -> str:
        real = os.path.realpath(filename)
        if real.startswith(self.root + os.sep):
            return os.path.relpath(real, self.root).replace(os.sep, "/")
        return filename

    def _alarm(self, seconds: float) -> None:
        """Arm (or with 0, disarm) the hang alarm; only the main thread can."""
        if not hasattr(signal, "setitimer") or threading.current_thread() is not (
            threading.main_thread()
        ):
            return
        if seconds > 0:
            signal.signal(signal.SIGALRM, self._hang)
            signal.setitimer(signal.ITIMER_REAL, seconds, 1.0)
        else:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def _hang(self, signum: int, frame: Any) -> None:
        raise TestHang(
            f"the test was still running after {self.config.test_timeout:g} s: a hang (an "
            "endless loop, or a wait that never ends)"
        )
