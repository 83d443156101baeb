"""Instruction counts of one function on its workload, taken inside sandbox workspaces.

A `Meter` measures in one prepared session under a counter chosen once (`prepare_counter` in
profilers.counter). A measurement is K runs, each in a fresh workspace with a different heap
perturbation, each running the workload's tests twice (warm-up, then measured) under the counter,
with the probe in "measure" mode; `callers` runs the suite once with the probe in "callers" mode.

Nothing the measured process says about its own count is believed: callgrind's count is read by
the host from the file callgrind writes after the process ended. Each run also sends a digest of
every measured call's outputs, compared with the unchanged code's (`Measurement.digests`).

With callgrind, `whole_passes` adds one more run: the whole process under callgrind, collecting
from the first instruction, children traced, without the client-request extension (so no code in
the process can switch the count off), running the workload `whole_passes` times. A saving that
is real shows there too; one that comes from a cache filled by the warm-up pass, or from work
moved to import time, another process or another thread, does not (agent/gate/steps.py). And
one more region run in a cold process (the measured pass is its only one): a function whose
measured pass costs far less than its cold pass, where the original's does not, keeps state
across calls.
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

from sandbox.base import RunResult, Session, Workspace

from .counter import TOGGLE_COLLECT, CounterChoice, MeasurementError
from .counts import InstructionCount
from .probe import PROBE_DIR, PYTEST, ProbeRun, run_probe
from .probe import probe_files as probe_files  # where agent/gate and agent/optimize import it
from .ratchet_probe.protocol import CallersConfig, MeasureConfig, MeasureResult
from .runs import tail

T = TypeVar("T")


@dataclass(frozen=True)
class Callers:
    """Which tests call a function, and how often, from one probe run over the suite."""

    calls: int
    tests: tuple[str, ...]
    benchmarks: tuple[str, ...]  # the callers that use pytest-benchmark's `benchmark` fixture

    @property
    def workload(self) -> tuple[str, ...]:
        """The repo's benchmarks that exercise the function where they exist, else its tests."""
        return self.benchmarks or self.tests


@dataclass(frozen=True)
class Whole:
    """The whole process's instruction count, children included, over `passes` of the workload."""

    value: int
    passes: int
    processes: int  # how many processes callgrind counted
    digests: tuple[str, ...]
    seconds: float


@dataclass(frozen=True)
class Measurement:
    function: str
    counts: tuple[InstructionCount, ...]  # one per heap perturbation
    calls: int  # outermost calls in one measured pass
    workload: tuple[str, ...]
    impl: str  # how the counter bracketed the region, e.g. "client-requests"
    seconds: float  # wall time of all runs, for people
    # per measured call, the runs' common digest ("" where they differ)
    digests: tuple[str, ...] = ()
    whole: Whole | None = None
    cold: int | None = None  # the region's count in a cold process: the measured pass alone
    longest: float = 0.0  # wall time of the longest of the K runs


@dataclass(frozen=True)
class MeasuredRun:
    """One of a measurement's K runs."""

    count: InstructionCount
    calls: int
    impl: str
    seconds: float
    digests: tuple[str, ...]


class Meter:
    """Measures functions in one prepared session, under the counter `choice`."""

    def __init__(
        self,
        session: Session,
        choice: CounterChoice,
        runs: int = 3,
        timeout: float | None = None,
        parallel: int = 2,
    ) -> None:
        self.session = session
        self.choice = choice
        self.runs = runs
        self.timeout = timeout
        self.parallel = parallel  # measured runs side by side

    @property
    def counter(self) -> str:
        """The counter's name: callgrind, perf or bytecode."""
        return self.choice.name

    @property
    def impl(self) -> str:
        """How the counter brackets the region."""
        return self.choice.impl

    @cached_property
    def quiet(self) -> tuple[str, ...]:
        """pytest arguments that switch off the plugins the repo does not use."""
        return self.session.repo.layout.plugins_off

    @cached_property
    def files(self) -> dict[str, bytes]:
        return self.choice.files()

    def callers(self, targets: Sequence[str], paths: Sequence[str] = ()) -> dict[str, Callers]:
        """One run of the suite (plus `paths`, e.g. benchmark folders) recording who calls what."""
        with self.session.workspace(self.files) as ws:
            argv = ["python", *PYTEST, "--benchmark-disable", *paths]
            probed = run_probe(ws, CallersConfig(tuple(targets)), argv, self.timeout)
        result = _written(probed)
        if result.errors:
            raise MeasurementError("; ".join(result.errors))
        benchmarks = set(result.benchmarks)
        found = {target: result.callers.get(target, ()) for target in targets}
        return {
            target: Callers(
                calls=result.calls.get(target, 0),
                tests=tuple(t for t in tests if t not in benchmarks),
                benchmarks=tuple(t for t in tests if t in benchmarks),
            )
            for target, tests in found.items()
        }

    def measure(
        self,
        target: str,
        workload: Sequence[str],
        changes: Mapping[str, bytes] | None = None,
        *,
        whole_passes: int = 0,
        timeout: float | None = None,
    ) -> Measurement:
        """K runs of `workload` (test node ids) counting instructions inside `target`, and with
        `whole_passes` (callgrind only) the whole-process run; `timeout` per run (None: the
        meter's).

        The runs go side by side (up to `parallel` at once): counts do not depend on timing,
        and valgrind's start-up is most of a short workload's wall time.
        """
        if not workload:
            raise MeasurementError(f"no test calls {target}, so there is nothing to measure it on.")
        with ThreadPoolExecutor(max_workers=max(1, min(self.parallel, self.runs))) as pool:
            runs = list(
                pool.map(
                    lambda p: self._one_run(target, workload, changes, p, timeout=timeout),
                    range(self.runs),
                )
            )
        counts = tuple(run.count for run in runs)
        seconds = sum(run.seconds for run in runs)
        whole = cold = None
        if whole_passes and self.counter == "callgrind":
            whole, cold = self.fresh(target, workload, changes, whole_passes, timeout=timeout)
        return Measurement(
            target,
            counts,
            runs[-1].calls,
            tuple(workload),
            runs[-1].impl,
            seconds,
            common_digests([run.digests for run in runs]),
            whole,
            cold,
            max(run.seconds for run in runs),
        )

    def fresh(
        self,
        target: str,
        workload: Sequence[str],
        changes: Mapping[str, bytes] | None,
        whole_passes: int,
        *,
        timeout: float | None = None,
    ) -> tuple[Whole, int]:
        """The counts of fresh processes, side by side: the whole process (`whole`), and the
        region in a cold process, whose measured pass is its only one (`cold`)."""
        with ThreadPoolExecutor(max_workers=2) as pool:
            whole = pool.submit(self.whole, target, workload, changes, whole_passes, timeout)
            cold = pool.submit(
                self._one_run, target, workload, changes, 0, passes=1, timeout=timeout
            )
            return whole.result(), cold.result().count.value

    def whole(
        self,
        target: str,
        workload: Sequence[str],
        changes: Mapping[str, bytes] | None,
        passes: int,
        timeout: float | None = None,
    ) -> Whole:
        """The whole process under callgrind: every instruction of every process, `passes` of
        the workload, no client-request extension in the workspace."""
        with self.session.workspace({**(changes or {}), **probe_files()}) as ws:
            config = MeasureConfig(target, "none", 0, self.choice.salt, passes=passes)
            out = f"{ws.root}/{PROBE_DIR}/whole"
            valgrind = [
                "valgrind",
                "--tool=callgrind",
                "--trace-children=yes",
                f"--callgrind-out-file={out}.%p.out",
                f"--log-file={out}.%p.log",
            ]
            argv = self._wrapped(valgrind, workload)
            probed = run_probe(ws, config, argv, timeout or self.timeout)
            _checked(target, probed)
            listing = ws.run(["sh", "-c", TOTALS, "sh", out])
        totals = _whole_totals(listing)
        digests = tuple(map(str, probed.frames.of("call")))
        return Whole(sum(totals), passes, len(totals), digests, probed.run.duration)

    def _one_run(
        self,
        target: str,
        workload: Sequence[str],
        changes: Mapping[str, bytes] | None,
        perturbation: int,
        passes: int = 2,
        timeout: float | None = None,
    ) -> MeasuredRun:
        with self.session.workspace({**(changes or {}), **self.files}) as ws:
            out = f"{ws.root}/{PROBE_DIR}/callgrind.out"
            config = MeasureConfig(
                target, self.counter, perturbation, self.choice.salt, passes=passes
            )
            probed = run_probe(ws, config, self._argv(workload, out), timeout or self.timeout)
            result = _checked(target, probed)
            value = result.value if result.value is not None else _callgrind_total(ws)
        count = InstructionCount(
            value=value,
            counter=self.counter,
            unit=self.choice.unit,
            fingerprint=result.fingerprint,
            advisory=self.choice.advisory,
        )
        digests = tuple(map(str, probed.frames.of("call")))
        return MeasuredRun(count, result.calls, result.impl, probed.run.duration, digests)

    def _argv(self, workload: Sequence[str], out: str) -> list[str]:
        if self.counter != "callgrind":
            return ["python", *PYTEST, "--benchmark-disable", *self.quiet, *workload]
        region = (
            ["--instr-atstart=yes", "--toggle-collect=qsort"]
            if self.choice.impl == TOGGLE_COLLECT
            else ["--instr-atstart=no"]
        )
        valgrind = [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            *region,
            f"--callgrind-out-file={out}",
        ]
        return self._wrapped(valgrind, workload)

    def _wrapped(self, valgrind: list[str], workload: Sequence[str]) -> list[str]:
        """pytest on the workload under `valgrind`; `python` by its venv path, not its real
        path: the venv is found from argv[0]."""
        pytest = ["--benchmark-disable", *self.quiet, *workload]
        script = f'exec {shlex.join(valgrind)} "$(command -v python)" "$@"'
        return ["sh", "-c", script, "sh", *PYTEST, *pytest]


def _written(probed: ProbeRun[T]) -> T:
    """The probe's result; MeasurementError when the process ended before it was written."""
    if probed.result is None:
        raise MeasurementError(
            f"the workload failed while being measured: {probed.why_missing('workload')}: "
            f"{tail(probed.run)}"
        )
    return probed.result


class TimedOut(MeasurementError):
    """A measured run ran past its timeout: `run` says after how long."""

    def __init__(self, message: str, run: RunResult) -> None:
        super().__init__(message)
        self.run = run


class WorkloadFailed(MeasurementError):
    """Tests of the workload failed while measured: `failures` maps each to its first error line
    (the tests passed in the suite's own run, so the instrumentation is what they fail under)."""

    def __init__(self, message: str, failures: Mapping[str, str]) -> None:
        super().__init__(message)
        self.failures = dict(failures)


def _checked(target: str, probed: ProbeRun[MeasureResult]) -> MeasureResult:
    if (run := probed.run).timed_out:
        raise TimedOut(
            f"the workload of {target} ran past its timeout while being measured "
            f"({run.describe()}): {tail(run)}",
            run,
        )
    result = _written(probed)
    if result.errors:
        raise MeasurementError("; ".join(result.errors))
    if result.failed and result.failures:
        named = "; ".join(f"{test} ({line})" for test, line in list(result.failures.items())[:3])
        more = len(result.failures) - 3
        raise WorkloadFailed(
            f"{len(result.failures)} test(s) of the workload of {target} failed while being "
            f"measured: {named}{f', and {more} more' if more > 0 else ''}",
            result.failures,
        )
    if result.failed or not run.ok:
        raise MeasurementError(
            f"the workload of {target} failed while being measured ({run.describe()}): {tail(run)}"
        )
    if result.calls == 0:
        raise MeasurementError(
            f"the workload never called {target} while being measured, so its count would "
            "be zero; pick tests that call it."
        )
    return result


def _callgrind_total(ws: Workspace) -> int:
    """The total of the file callgrind wrote when the measured process ended."""
    text = ws.read_file(f"{PROBE_DIR}/callgrind.out").decode(errors="replace")
    for line in text.splitlines():
        if _is_total(line):
            return int(line.split()[1])
    raise MeasurementError("callgrind wrote no totals; the run may have crashed.")


# One line per file callgrind wrote for a process: the file, then its total (or "missing"), so
# no file's size can push a total out of the sandbox's output cap.
TOTALS = (
    'for f in "$1".*.out; do [ -e "$f" ] || continue; '
    't=$(grep -m1 -E "^(summary|totals):" "$f"); echo "$f ${t:-missing}"; done'
)


def _whole_totals(listing: RunResult) -> list[int]:
    """Each process's total; MeasurementError when a process's file has none (it may have been
    cut short) or there is no file at all."""
    totals = []
    for line in listing.stdout.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in ("summary:", "totals:") and parts[2].isdigit():
            totals.append(int(parts[2]))
        elif parts:
            raise MeasurementError(
                f"callgrind's file for one process of the whole-process run holds no total "
                f"({parts[0]}): the process did not end the normal way."
            )
    if not totals or listing.dropped_bytes:
        raise MeasurementError("callgrind wrote no totals for the whole process.")
    return totals


def _is_total(line: str) -> bool:
    parts = line.split()
    return len(parts) >= 2 and parts[0] in ("summary:", "totals:") and parts[1].isdigit()


def common_digests(runs: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """Per measured call, the digest every run agrees on, or "" where runs differ (the code is
    not deterministic there, so that call is not compared)."""
    if not runs or len({len(r) for r in runs}) != 1:
        return ()
    return tuple(d[0] if len(set(d)) == 1 else "" for d in zip(*runs, strict=True))
