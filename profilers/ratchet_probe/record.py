"""Mode "record": every outermost call of the target, within max_calls and max_bytes.

Each call keeps its arguments before and after (pickled), the return value or exception, what it
printed, and the test that made it. The recording is a pickle written where the config says; it
is read back only inside the sandbox (replay.py), never on the host.
"""

from __future__ import annotations

import inspect
import io
import os
import pickle
import sys
import time
from contextlib import suppress
from typing import Any

from .plugin import tryfirst
from .protocol import RecordConfig, RecordResult, write_result
from .targets import Lift, install
from .values import PICKLE_PROTOCOL, exception_summary, freeze, type_name

Outcome = tuple[str, Any]  # ("return", value) or ("exception", exc)


class RecordPlugin:
    def __init__(self, config: RecordConfig, output: str) -> None:
        self.config = config
        self.output = output
        self.calls: list[dict[str, Any]] = []
        self.seen = 0
        self.size = 0
        self.cap: str | None = None
        self.errors: list[str] = []  # the recording cannot be taken
        self.warnings: list[str] = []  # single calls that could not be recorded
        self.failed = 0
        self.current_test = ""
        self.parameters: list[str] = []

    def pytest_configure(self, config: Any) -> None:
        try:
            install(self.config.target, self._wrapper)
        except LookupError as exc:
            self.errors.append(str(exc))

    def pytest_runtest_setup(self, item: Any) -> None:
        self.current_test = item.nodeid

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.failed:
            self.failed += 1

    @tryfirst
    def pytest_sessionfinish(self, session: Any, exitstatus: Any) -> None:
        self.write()

    def _wrapper(self, function: Any) -> Any:
        depth = [0]
        with suppress(TypeError, ValueError):
            self.parameters = list(inspect.signature(function).parameters)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if depth[0]:
                with Lift(1):  # this frame
                    return function(*args, **kwargs)
            depth[0] += 1
            try:
                with Lift(2):  # this frame and observe's
                    return self.observe(function, args, kwargs)
            finally:
                depth[0] -= 1

        return wrapper

    def observe(self, function: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        index = self.seen
        self.seen += 1
        if self.cap is None and len(self.calls) >= self.config.max_calls:
            self.cap = "max_calls"
        if self.cap is not None:
            return function(*args, **kwargs)
        before, markers = freeze_arguments(args, kwargs)
        real, buffer = sys.stdout, io.StringIO()
        outcome: Outcome = ("exception", None)
        sys.stdout = buffer
        start = time.perf_counter()
        try:
            value = function(*args, **kwargs)
            outcome = ("return", value)
        except BaseException as exc:
            outcome = ("exception", exc)
            raise
        finally:
            duration = time.perf_counter() - start
            if sys.stdout is buffer:
                sys.stdout = real
            printed = buffer.getvalue()
            if printed:
                real.write(printed)
            try:
                call = self.describe(index, args, kwargs, before, markers, outcome)
                self.keep({**call, "stdout": printed, "duration": duration})
            except Exception as exc:  # the recorder must never change what the test sees
                self.warnings.append(f"recording call {index} failed: {type(exc).__name__}: {exc}")
        return value

    def describe(
        self,
        index: int,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        before: bytes | None,
        markers: list[dict[str, str]],
        outcome: Outcome,
    ) -> dict[str, Any]:
        kind, value = outcome
        return {
            "index": index,
            "test": self.current_test,
            "args": before,
            "after": freeze((args, kwargs)) if before is not None else None,
            "markers": markers,
            "types": argument_types(args, kwargs),
            "outcome": kind,
            "value": freeze(value) if kind == "return" else None,
            "value_type": type_name(value) if kind == "return" else None,
            "exception": exception_summary(value) if kind == "exception" else None,
            "replayable": before is not None,
            "reason": None if before is not None else "an argument cannot be pickled",
        }

    def keep(self, call: dict[str, Any]) -> None:
        size = sum(len(call[k] or b"") for k in ("args", "after", "value")) + len(call["stdout"])
        if self.size + size > self.config.max_bytes:
            self.cap = "max_bytes"
            return
        self.size += size
        self.calls.append(call)

    def write(self) -> None:
        recording = {
            "version": 1,
            "target": self.config.target,
            "calls": self.calls,
            "seen": self.seen,
            "cap": self.cap,
            "max_calls": self.config.max_calls,
            "max_bytes": self.config.max_bytes,
            "parameters": self.parameters,
            "sys_path": workspace_paths(),
        }
        with open(self.config.recording, "wb") as handle:
            pickle.dump(recording, handle, protocol=PICKLE_PROTOCOL)
        result = RecordResult(
            seen=self.seen,
            kept=len(self.calls),
            unreplayable=sum(not c["replayable"] for c in self.calls),
            cap=self.cap,
            bytes=self.size,
            failed=self.failed,
            errors=tuple(self.errors),
            warnings=tuple(self.warnings[:5]),
            argument_types=tuple(summarize_types(self.calls, self.parameters)),
        )
        write_result(self.output, "record", result)


def workspace_paths() -> list[str]:
    """The import paths inside the workspace, relative to it, as pytest set them up."""
    root = os.path.realpath(os.getcwd())
    relative = []
    for entry in sys.path:
        path = os.path.realpath(entry or os.getcwd())
        if path == root or path.startswith(root + os.sep):
            relative.append(os.path.relpath(path, root))
    return list(dict.fromkeys(relative))


def freeze_arguments(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[bytes | None, list[dict[str, str]]]:
    """The pickled (args, kwargs), or None and a marker for each argument that cannot be pickled."""
    frozen = freeze((args, kwargs))
    if frozen is not None:
        return frozen, []
    markers = []
    for key, value in [*((str(i), a) for i, a in enumerate(args)), *kwargs.items()]:
        try:
            pickle.dumps(value, protocol=PICKLE_PROTOCOL)
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"[:200]
            markers.append({"argument": key, "type": type_name(value), "reason": reason})
    if not markers:
        markers.append({"argument": "*", "type": "tuple", "reason": "the arguments together"})
    return None, markers


def argument_types(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        *((str(i), type_name(a)) for i, a in enumerate(args)),
        *((k, type_name(v)) for k, v in kwargs.items()),
    ]


def summarize_types(calls: list[dict[str, Any]], parameters: list[str]) -> list[str]:
    """`text: str` or `0: int | float` for each argument, most frequent type first."""
    seen: dict[str, dict[str, int]] = {}
    for call in calls:
        for key, name in call["types"]:
            counts = seen.setdefault(key, {})
            counts[name] = counts.get(name, 0) + 1
    lines = []
    for key, counts in seen.items():
        label = parameters[int(key)] if key.isdigit() and int(key) < len(parameters) else key
        names = sorted(counts, key=lambda n: -counts[n])
        lines.append(f"{label}: {' | '.join(names)}")
    return lines
