"""Instruction counts taken for real, in both sandboxes, under callgrind (and the bytecode counter)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from profilers.compare import compare
from profilers.counter import CounterChoice, MeasurementError, prepare_counter
from profilers.measure import Meter
from sandbox.base import Session
from tests.conftest import git_init, make, write_tree

SOURCE = """\
def work(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def spin(n):
    return work(n)


def never_called():
    return 0


def crash():
    import ctypes
    return ctypes.string_at(0)
"""
TESTS = """\
from busy import spin, crash


def test_spin():
    assert spin(1000) >= 0


def test_crash():
    crash()
"""


def variant(iterations: int) -> dict[str, bytes]:
    """busy.work doing `iterations` instead of n iterations: a planted change of known size."""
    body = SOURCE.replace("for i in range(n):", f"for i in range({iterations}):")
    return {"busy.py": body.encode()}


@pytest.fixture(scope="module")
def busy_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(tmp_path_factory.mktemp("busy"), {"busy.py": SOURCE, "test_busy.py": TESTS})
    git_init(root)
    return root


@pytest.fixture(scope="module", params=["local", pytest.param("docker", marks=pytest.mark.docker)])
def meter(request: pytest.FixtureRequest, busy_repo: Path, cache_dir: Path) -> Iterator[Meter]:
    with make(request.param, cache_dir).prepare(busy_repo) as session:
        yield Meter(session, prepare_counter(session, "callgrind"), runs=1)


def again(meter: Meter, runs: int, counter: CounterChoice | None = None) -> Meter:
    """Another meter on the same session, under the same counter unless another is given."""
    return Meter(meter.session, counter or meter.choice, runs=runs)


SPIN = ["test_busy.py::test_spin"]


def test_callgrind_uses_client_requests_where_gcc_exists(meter: Meter) -> None:
    assert (meter.counter, meter.impl, meter.choice.note) == ("callgrind", "client-requests", "")


def test_the_same_function_measured_five_times_gives_identical_counts(meter: Meter) -> None:
    values = {meter.measure("busy.work", SPIN).counts[0].value for _ in range(5)}
    assert len(values) == 1, values


def test_recursion_and_inner_calls_are_counted_once(meter: Meter) -> None:
    outer = meter.measure("busy.spin", SPIN)
    inner = meter.measure("busy.work", SPIN)
    assert (outer.calls, inner.calls) == (1, 1) and outer.counts[0].value > inner.counts[0].value


def test_callers_names_the_tests_that_call_a_function(meter: Meter) -> None:
    found = meter.callers(["busy.work", "busy.never_called"], ["test_busy.py::test_spin"])
    assert (found["busy.work"].tests, found["busy.never_called"].calls) == (tuple(SPIN), 0)


@pytest.fixture(scope="module")
def baseline(meter: Meter) -> list[int]:
    """busy.work measured under K=3 heap perturbations, shared by the comparisons below."""
    measured = again(meter, 3).measure("busy.work", SPIN, variant(1000))
    return [c.value for c in measured.counts]


@pytest.mark.parametrize("removed", [0.01, 0.03, 0.10])
def test_planted_gains_are_accepted(meter: Meter, baseline: list[int], removed: float) -> None:
    runs = again(meter, 3)
    after = runs.measure("busy.work", SPIN, variant(round(1000 * (1 - removed))))
    verdict = compare(baseline, [c.value for c in after.counts])
    assert verdict.accepted, verdict.reason


def test_identical_code_is_never_accepted(meter: Meter, baseline: list[int]) -> None:
    same = again(meter, 3).measure("busy.work", SPIN)
    verdict = compare(baseline, [c.value for c in same.counts])
    assert not verdict.accepted, verdict.reason


def test_an_unknown_function_is_a_clear_error(meter: Meter) -> None:
    with pytest.raises(MeasurementError, match=r"busy\.nope was not found"):
        meter.measure("busy.nope", SPIN)


def test_a_workload_that_never_calls_the_function_is_an_error(meter: Meter) -> None:
    with pytest.raises(MeasurementError, match=r"never called busy\.never_called"):
        meter.measure("busy.never_called", SPIN)


def test_no_workload_is_an_error(meter: Meter) -> None:
    with pytest.raises(MeasurementError, match=r"no test calls busy\.work"):
        meter.measure("busy.work", [])


def test_a_crashing_test_under_valgrind_is_an_error(meter: Meter) -> None:
    with pytest.raises(MeasurementError, match="failed while being measured"):
        meter.measure("busy.crash", ["test_busy.py::test_crash"])


def test_the_bytecode_counter_is_advisory_and_deterministic(meter: Meter) -> None:
    bytecode = again(meter, 2, prepare_counter(meter.session, "bytecode"))
    counts = bytecode.measure("busy.work", SPIN).counts
    assert counts[0].advisory and counts[0].unit == "bytecodes"
    assert counts[0].value == counts[1].value > 1000


class NoValgrind:
    """A real workspace that answers as if valgrind were not installed."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.repo = session.repo

    def workspace(self, changes=None, *, profiling=False):  # type: ignore[no-untyped-def]
        real = self.session.workspace(changes, profiling=profiling)
        run = real.run

        def without_valgrind(argv, **kwargs):  # type: ignore[no-untyped-def]
            if "valgrind" in " ".join(argv):
                argv = ["false"]
            return run(argv, **kwargs)

        real.run = without_valgrind  # type: ignore[method-assign]
        return real


def test_missing_valgrind_is_said_plainly(meter: Meter) -> None:
    with pytest.raises(MeasurementError, match="callgrind counter cannot run here: valgrind"):
        prepare_counter(NoValgrind(meter.session), "callgrind")  # type: ignore[arg-type]


def test_auto_falls_back_to_bytecode_without_valgrind_or_perf(meter: Meter) -> None:
    choice = prepare_counter(NoValgrind(meter.session), "auto")  # type: ignore[arg-type]
    assert (choice.name, choice.advisory) == ("bytecode", True)


def test_the_perf_counter_counts_where_the_machine_has_one(meter: Meter) -> None:
    from profilers.hardware import probe

    if (reason := probe()) is not None:
        pytest.skip(f"hardware counters are not available here: {reason}")
    counts = (
        again(meter, 2, prepare_counter(meter.session, "perf")).measure("busy.work", SPIN).counts
    )
    assert counts[0].unit == "instructions" and all(c.value > 10_000 for c in counts)
