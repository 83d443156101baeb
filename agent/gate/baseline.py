"""The baseline contract: what the unchanged repo does, taken once per target and compared with
every candidate.

- the whole suite's outcome per test id (the passing set is the contract);
- which tests (and pytest-benchmark benchmarks) call the target;
- every call of the target during those tests, recorded, and what the unchanged code does on each
  (kept on the host); the same for Hypothesis inputs drawn by count and seed;
- the instruction counts of the target on its workload;
- the wall time of each kind of run (the suite's run, the replay's, the longest measured run's,
  the whole process's), which bounds how long the candidate's runs of that kind may take;
- a digest of every protected file (the layout's: tests, conftests, benchmarks, test config),
  so a candidate that writes to one is caught.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field

from profilers import behaviour
from profilers.behaviour import Recording
from profilers.compare import DEFAULT_MIN_GAIN
from profilers.measure import (
    Callers,
    Measurement,
    MeasurementError,
    Meter,
    WorkloadFailed,
    probe_files,
)
from profilers.suite import SuiteReport, describe_failures, run_suite
from sandbox.base import PreparedRepo, Session

from .target import GateError, Target
from .timeouts import FLOOR, MULTIPLE

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class GateOptions:
    min_gain: float = DEFAULT_MIN_GAIN  # the smallest median gain accepted (0.005 = 0.5%)
    float_tolerance: float = 0.0  # relative; 0 compares floats exactly
    generate_examples: int = 100  # Hypothesis inputs per target, by count (0: none)
    generate_seed: int = 0  # the same inputs on every machine under any load
    allow_state: bool = False  # accept state kept across calls (caches): documented opt-in
    max_calls: int = 200  # recorded calls kept per target
    timeout: float | None = None  # per sandboxed run, the hard cap; None: the sandbox's limit
    # a candidate's run is killed after this many times the original's time for the same kind of
    # run, never before timeout_floor seconds (agent/gate/timeouts.py says why these values)
    timeout_multiple: float = MULTIPLE
    timeout_floor: float = FLOOR
    measure_exclude: tuple[str, ...] = ()  # tests (ids or their files/folders) never measured
    screen: bool = True  # False only to prove the runtime checks hold alone (the corpus tests)


@dataclass(frozen=True)
class Baseline:
    target: Target
    suite: SuiteReport
    paths: tuple[str, ...]  # what pytest collects for the whole suite (tests and benchmarks)
    callers: Callers
    recording: Recording
    generated: Recording | None  # Hypothesis inputs by count and seed; None when turned off
    measurement: Measurement
    test_files: Mapping[str, str]  # repo path -> sha256 of each of the layout's protected files
    left_out: Mapping[str, str] = field(default_factory=dict)  # test -> why it is not measured

    @property
    def passed(self) -> frozenset[str]:
        return self.suite.passed


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
    paths = repo.layout.collect
    if suite is None:
        suite = run_baseline_suite(session, paths, options.timeout)
    _check_suite(suite)
    if suite.failed:
        log.warning(
            "baseline: %s before any change; the contract is the tests that pass (`ratchet "
            "debug PATH` shows where the failing ones go wrong)",
            describe_failures(suite),
        )
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
        generated = None
        if options.generate_examples > 0:
            log.info(
                "baseline: drawing %d inputs for %s", options.generate_examples, target.function
            )
            generated = behaviour.generate(
                session,
                recording,
                examples=options.generate_examples,
                seed=options.generate_seed,
                timeout=options.timeout,
            )
        measurement, left_out = _measure(meter, target.function, callers.workload, options)
    except (behaviour.BehaviourError, MeasurementError) as exc:
        raise GateError(f"the baseline of {target.function} could not be taken: {exc}") from exc
    files = protected_digests(repo)
    return Baseline(
        target, suite, paths, callers, recording, generated, measurement, files, left_out
    )


def protected_digests(repo: PreparedRepo) -> dict[str, str]:
    """The sha256 of each of the layout's protected files as the repo has them: what a change
    must leave exactly as it is (see steps.changed_files)."""
    return {name: digest((repo.root / name).read_bytes()) for name in repo.layout.protected}


def excluded(test: str, patterns: tuple[str, ...]) -> bool:
    """Whether a node id is one of `patterns`, or inside a file, class or folder one names."""
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if test == pattern or test.startswith((pattern + "::", pattern + "/")):
            return True
    return False


def _measure(
    meter: Meter, function: str, workload: tuple[str, ...], options: GateOptions
) -> tuple[Measurement, dict[str, str]]:
    """The baseline's measurement, on the workload less the tests the settings leave out and
    those that pass in the suite but fail under the counter (wall-clock assertions, timeouts):
    those are named, left out once, and measured no more."""
    left_out = {
        t: "left out by measure_exclude" for t in workload if excluded(t, options.measure_exclude)
    }
    rest = tuple(t for t in workload if t not in left_out)
    if not rest:
        raise MeasurementError(
            f"measure_exclude leaves out every test that calls {function} ({len(workload)}); "
            "name fewer tests there."
        )
    whole_passes = 2 if options.allow_state else 1
    try:
        return meter.measure(function, rest, whole_passes=whole_passes), left_out
    except WorkloadFailed as exc:
        failing = {t: line for t, line in exc.failures.items() if t in rest}
        remaining = tuple(t for t in rest if t not in failing)
        if not failing or not remaining:
            raise
    for test, line in failing.items():
        left_out[test] = f"passes in the suite but fails while measured ({line})"
        log.warning(
            "baseline: %s is left out of the measured workload: it %s", test, left_out[test]
        )
    return meter.measure(function, remaining, whole_passes=whole_passes), left_out


def run_baseline_suite(
    session: Session, paths: tuple[str, ...], timeout: float | None = None
) -> SuiteReport:
    """The whole suite of the unchanged repo, once (with the same pytest plugins as the gate)."""
    log.info("baseline: running the whole test suite")
    quiet = session.repo.layout.plugins_off
    with session.workspace(probe_files()) as ws:
        return run_suite(ws, paths, timeout=timeout, extra_args=quiet)


def _check_suite(suite: SuiteReport) -> None:
    if not suite.finished:
        raise GateError(
            f"the unchanged repo's test suite did not finish ({suite.run.describe()}); "
            "run `ratchet sandbox run PATH` to see why."
        )
    if not suite.passed:
        failing = f" ({describe_failures(suite)})" if suite.failed else ""
        raise GateError(
            f"no test passes in the unchanged repo{failing}, so there is no contract to hold a "
            "candidate to; fix the suite first (`ratchet debug PATH` ranks where the failing "
            "tests go wrong)."
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
