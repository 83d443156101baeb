"""Block-level runtime state of a test run, from the probe's "blocks" mode.

    report = run_coverage(ws, tests, files)          # the lines each test ran in `files`
    report = run_traces(ws, tests, ["pkg/m.py::f"])  # each call of f, block by block

Each test's findings arrive in a frame of their own as the test ends, so a run that does not
finish (a crash in C code, os._exit, the run's own timeout) still says what the tests before
it did, and `TestsRun.ended` says how it ended. A test that hangs is failed by the probe's
alarm after `test_timeout` seconds and arrives as a failure with `hang` set.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sandbox.base import RunResult, Workspace

from .probe import PYTEST, run_probe
from .ratchet_probe.blocktrace import CallTrace, Step
from .ratchet_probe.protocol import BlocksConfig, BlocksResult

TEST_TIMEOUT = 10.0  # seconds one test may run before it counts as a hang


@dataclass(frozen=True)
class Failure:
    message: str  # the exception as pytest shows it: "AssertionError: assert 3 == 4"
    frames: tuple[tuple[str, int, str], ...]  # (path, line, function), innermost last
    hang: bool = False


@dataclass(frozen=True)
class TestRun:
    __test__ = False  # not a test class, whatever pytest thinks of its name
    nodeid: str
    outcome: str  # passed | failed | skipped
    lines: Mapping[str, frozenset[int]]  # path -> lines it ran (coverage runs)
    failure: Failure | None
    calls: tuple[CallTrace, ...]  # trace runs


@dataclass(frozen=True)
class TestsRun:
    __test__ = False
    tests: Mapping[str, TestRun]  # in the order they ran
    result: BlocksResult | None  # None: the run ended before the probe's result
    run: RunResult
    problem: str | None = None  # why there is no result, as a sentence
    started: tuple[str, ...] = ()  # every test that started, in order

    @property
    def unfinished(self) -> str | None:
        """The test that started and never ended: where a crash or os._exit happened."""
        left = [nodeid for nodeid in self.started if nodeid not in self.tests]
        return left[-1] if left else None

    @property
    def failing(self) -> tuple[str, ...]:
        return tuple(t for t, r in self.tests.items() if r.outcome == "failed")

    @property
    def passing(self) -> tuple[str, ...]:
        return tuple(t for t, r in self.tests.items() if r.outcome == "passed")


def run_coverage(
    ws: Workspace,
    tests: Sequence[str],
    files: Sequence[str],
    *,
    timeout: float | None = None,
    test_timeout: float = TEST_TIMEOUT,
) -> TestsRun:
    """Run `tests` (none: pytest's own selection) noting the lines of `files` each one ran."""
    config = BlocksConfig(ws.root, tuple(files), test_timeout=test_timeout)
    return _run(ws, config, tests, timeout)


def run_traces(
    ws: Workspace,
    tests: Sequence[str],
    targets: Sequence[str],
    *,
    timeout: float | None = None,
    test_timeout: float = TEST_TIMEOUT,
) -> TestsRun:
    """Run `tests` tracing every call of each target ("path.py::Qual.name") block by block."""
    config = BlocksConfig(ws.root, trace=tuple(targets), test_timeout=test_timeout)
    return _run(ws, config, tests, timeout)


def _run(
    ws: Workspace, config: BlocksConfig, tests: Sequence[str], timeout: float | None
) -> TestsRun:
    argv = ["python", *PYTEST, "--benchmark-disable", *tests]
    probed = run_probe(ws, config, argv, timeout)
    found: dict[str, TestRun] = {}
    started: list[str] = []
    for kind, payload in probed.frames.items:
        if kind == "test" and (test := read_test(payload)) is not None:
            found[test.nodeid] = test
        elif kind == "start" and isinstance(payload, dict):
            started.append(str(payload.get("nodeid")))
    problem = None if probed.result is not None else probed.why_missing("test run")
    return TestsRun(found, probed.result, probed.run, problem, tuple(started))


def read_test(payload: Any) -> TestRun | None:
    """A "test" frame as a TestRun; None when it is not one."""
    if not isinstance(payload, dict) or not isinstance(payload.get("nodeid"), str):
        return None
    lines = payload.get("lines") or {}
    failure = payload.get("failure")
    return TestRun(
        nodeid=payload["nodeid"],
        outcome=str(payload.get("outcome", "failed")),
        lines={str(f): frozenset(int(n) for n in ns) for f, ns in dict(lines).items()},
        failure=_failure(failure) if isinstance(failure, dict) else None,
        calls=tuple(_call(c) for c in payload.get("calls") or () if isinstance(c, dict)),
    )


def _failure(data: dict[str, Any]) -> Failure:
    frames = tuple(
        (str(f[0]), int(f[1]), str(f[2])) for f in data.get("frames") or () if len(f) == 3
    )
    return Failure(str(data.get("message", "")), frames, bool(data.get("hang")))


def _call(data: dict[str, Any]) -> CallTrace:
    steps = tuple(
        Step(
            block=int(s["block"]),
            state=tuple((str(k), str(v)) for k, v in s.get("state") or ()),
            iteration=int(s.get("iteration", 0)),
        )
        for s in data.get("steps") or ()
    )
    return CallTrace(
        qualname=str(data.get("qualname", "")),
        filename=str(data.get("filename", "")),
        depth=int(data.get("depth", 0)),
        steps=steps,
        skipped=int(data.get("skipped", 0)),
        total=int(data.get("total", len(steps))),
        outcome=str(data.get("outcome", "unfinished")),
        arguments=tuple((str(k), str(v)) for k, v in data.get("arguments") or ()),
        returned=None if data.get("returned") is None else str(data["returned"]),
    )
