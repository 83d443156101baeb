"""The baseline contract: what the unchanged repo does, taken once per target and compared with
every candidate.

- the whole suite's outcome per test id (the passing set is the contract);
- which tests (and pytest-benchmark benchmarks) call the target;
- every call of the target during those tests, recorded (arguments, result, mutation, output);
- the instruction counts of the target on its workload;
- a digest of every test file, so a candidate that writes to one is caught.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from profilers import behaviour
from profilers.behaviour import Recording
from profilers.compare import DEFAULT_MIN_GAIN
from profilers.hotspots import TEST_DIRS
from profilers.measure import (
    BENCHMARK_DIRS,
    Callers,
    Measurement,
    MeasurementError,
    Meter,
    collection_paths,
    plugins_off,
    probe_files,
)
from profilers.suite import SuiteReport, run_suite
from sandbox.base import Session

from .target import GateError, Target

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GateOptions:
    min_gain: float = DEFAULT_MIN_GAIN  # the smallest median gain accepted (0.005 = 0.5%)
    float_tolerance: float = 0.0  # relative; 0 compares floats exactly
    generate_seconds: float = 5.0  # Hypothesis's budget per candidate
    max_examples: int = 200
    max_calls: int = 200  # recorded calls kept per target
    timeout: float | None = None  # per sandboxed run; None: the sandbox's limit


@dataclass(frozen=True)
class Baseline:
    target: Target
    suite: SuiteReport
    paths: tuple[str, ...]  # what pytest collects for the whole suite (tests and benchmarks)
    callers: Callers
    recording: Recording
    measurement: Measurement
    test_files: Mapping[str, str]  # repo path -> sha256 of the test files and conftests

    @property
    def passed(self) -> frozenset[str]:
        return self.suite.passed


def is_test_file(path: str) -> bool:
    """Tests, conftests and benchmarks: what a candidate must never write to or read from.
    Wider than the profiler's notion of test code: `testing/` folders and `bench_*.py` too."""
    *dirs, name = PurePosixPath(path).parts
    if not name.endswith(".py"):
        return False
    in_tests = any(d in {*TEST_DIRS, "testing", *BENCHMARK_DIRS} for d in dirs)
    named = name.startswith(("test_", "bench_")) or name.endswith("_test.py")
    return in_tests or named or name == "conftest.py"


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def take_baseline(
    session: Session,
    meter: Meter,
    target: Target,
    options: GateOptions,
    *,
    suite: SuiteReport | None = None,
    callers: Callers | None = None,
) -> Baseline:
    """Run the unchanged repo through everything a candidate will be compared on. `suite` and
    `callers`, when a caller already has them (optimize runs the suite once for all targets),
    are reused."""
    repo = session.repo
    paths = tuple(collection_paths(repo.root, repo.files))
    if suite is None:
        suite = run_baseline_suite(session, paths, options.timeout)
    _check_suite(suite)
    if callers is None:
        log.info("baseline: finding the tests that call %s", target.function)
        try:
            callers = meter.callers([target.function], paths)[target.function]
        except MeasurementError as exc:
            raise GateError(str(exc)) from exc
    tests = _passing_callers(target, callers, suite)
    log.info(
        "baseline: recording the calls of %s in %d tests, measuring it", target.function, len(tests)
    )
    try:
        recording = behaviour.record(
            session, target.function, tests, timeout=options.timeout, max_calls=options.max_calls
        )
        measurement = meter.measure(target.function, callers.workload)
    except (behaviour.BehaviourError, MeasurementError) as exc:
        raise GateError(f"the baseline of {target.function} could not be taken: {exc}") from exc
    files = {
        name: digest((repo.root / name).read_bytes()) for name in repo.files if is_test_file(name)
    }
    return Baseline(target, suite, paths, callers, recording, measurement, files)


def run_baseline_suite(
    session: Session, paths: tuple[str, ...], timeout: float | None = None
) -> SuiteReport:
    """The whole suite of the unchanged repo, once (with the same pytest plugins as the gate)."""
    log.info("baseline: running the whole test suite")
    quiet = plugins_off(session.repo.root, session.repo.files)
    with session.workspace(probe_files()) as ws:
        return run_suite(ws, paths, timeout=timeout, extra_args=quiet)


def _check_suite(suite: SuiteReport) -> None:
    if not suite.finished:
        raise GateError(
            f"the unchanged repo's test suite did not finish ({suite.run.describe()}); "
            "run `ratchet sandbox run PATH` to see why."
        )
    if not suite.passed:
        raise GateError(
            "no test passes in the unchanged repo, so there is no contract to hold a candidate "
            "to; fix the suite first (`ratchet sandbox run PATH` shows it)."
        )


def _passing_callers(target: Target, callers: Callers, suite: SuiteReport) -> list[str]:
    """The passing tests (and benchmarks) that call the target; GateError when there are none."""
    calling = [t for t in (*callers.tests, *callers.benchmarks) if t in suite.passed]
    if not calling:
        raise GateError(
            f"no passing test calls {target.function}, so nothing could show a rewrite of it is "
            "correct; add a test that calls it."
        )
    return calling
