"""`ratchet debug`'s Low tier: run the suite, rank the blocks, show the suspects' state.

    report = localize(session, DebugOptions(tests=("tests/test_x.py::test_y",)))

1. The whole suite runs once with line coverage, test by test (profilers/blocks.py); the
   failing tests are the ones to debug (or those of them named with --test).
2. The repo's blocks are ranked by Ochiai over that spectrum (rank.py).
3. The functions of the top blocks are traced, block by block, in the first failing test:
   each suspect comes with the state after it, as the failure computed it.

A run that ends in the middle of a test (a crash in C code, os._exit) is reported as such,
with the test it ended in: there is no trace of that test to rank.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from profilers.blocks import TestRun, TestsRun, run_coverage, run_traces
from profilers.hotspots import is_repo_code
from profilers.probe import probe_files
from profilers.ratchet_probe.blocktrace import CallTrace
from profilers.ratchet_probe.cfg import FunctionGraph, function_graphs
from sandbox.base import Session

from ..profiling import sources_of
from .rank import Suspect, rank_blocks
from .report import Crash, DebugReport, Execution, Located

log = logging.getLogger(__name__)
SHOWN_EXECUTIONS = 4  # of each suspect block: the first two and the last two


class UnknownTest(ValueError):
    """A --test that names no test of the suite."""


class SuiteDidNotRun(RuntimeError):
    """pytest ended before running any test (collection errors, no tests, a bad conftest)."""


@dataclass(frozen=True)
class DebugOptions:
    tests: tuple[str, ...] = ()  # debug these (node ids, or a file's or class's prefix)
    top: int = 5  # suspects shown with their state
    test_timeout: float = 10.0  # seconds a test may run before it counts as a hang


def localize(session: Session, options: DebugOptions) -> DebugReport:
    sources = {path: text for path, text in sources_of(session).items() if is_repo_code(path)}
    graphs = _graphs(sources)
    log.info("running the test suite with block coverage of %d files", len(graphs))
    with session.workspace(probe_files()) as ws:
        run = run_coverage(ws, [], sorted(graphs), test_timeout=options.test_timeout)
    known = [*run.started, *(t for t in run.tests if t not in run.started)]
    if not known and run.result is not None:
        raise SuiteDidNotRun(_did_not_run(run))
    chosen = select_tests(options.tests, known)
    crash = _crash(run)
    failing = [t for t in chosen if t in run.tests and run.tests[t].outcome == "failed"]
    passing = [r for r in run.tests.values() if r.outcome == "passed"]
    known_passing = tuple(r.nodeid for r in passing)
    collected = run.result.collected if run.result is not None else len(known)
    seconds = run.run.duration
    if not failing:
        return DebugReport((), (), len(passing), crash, chosen, known_passing, collected, seconds)
    suspects = rank_blocks(graphs, [*(run.tests[t] for t in failing), *passing])
    top = suspects[: options.top]
    traces = _trace(session, failing[0], top, options) if top else {}
    located = tuple(_located(rank, s, graphs, sources, traces) for rank, s in enumerate(top, 1))
    failed = tuple(run.tests[t] for t in failing)
    return DebugReport(
        failed, located, len(passing), crash, chosen, known_passing, collected, seconds
    )


def select_tests(wanted: Sequence[str], known: Sequence[str]) -> tuple[str, ...]:
    """The known tests each of `wanted` names: itself, or every test under it (a file, a class,
    a parametrized test's variants); all when none are wanted. UnknownTest for one naming none."""
    if not wanted:
        return tuple(known)
    chosen: list[str] = []
    for name in wanted:
        under = [t for t in known if t == name or t.startswith((f"{name}::", f"{name}["))]
        if not under:
            raise UnknownTest(
                f"no test {name} ran in this suite; `python -m pytest --collect-only -q` "
                "lists the test ids (e.g. tests/test_mod.py::test_name)"
            )
        chosen += [t for t in under if t not in chosen]
    return tuple(chosen)


def _graphs(sources: Mapping[str, str]) -> dict[str, list[FunctionGraph]]:
    graphs = {}
    for path, text in sources.items():
        try:
            graphs[path] = list(function_graphs(text, path).values())
        except (SyntaxError, ValueError) as exc:
            log.warning("%s is left out: it does not parse (%s)", path, exc)
    return graphs


def _did_not_run(run: TestsRun) -> str:
    status = run.result.exitstatus if run.result is not None else None
    if status == 5:
        return (
            "pytest collected no tests, so there is nothing to debug; check that the tests "
            "are named test_*.py and that `python -m pytest` in the repo finds them."
        )
    printed = run.run.stdout.splitlines()
    errors = [line.removeprefix("ERROR ").strip() for line in printed if line.startswith("ERROR ")]
    first = next((line[1:].strip() for line in printed if line.startswith("E ")), "")
    where = f" in {', '.join(errors[:3])}" if errors else ""
    why = f": {first}" if first else ""
    return (
        f"the test suite did not run: pytest ended with exit status {status} before any test "
        f"ran (an error while collecting the tests{where}{why}); `python -m pytest` in the "
        "repo shows it, and once the tests run, `ratchet debug` can rank them."
    )


def _crash(run: TestsRun) -> Crash | None:
    if run.result is not None:
        return None
    return Crash(run.unfinished, run.problem or "the test run ended early")


def _trace(
    session: Session, test: str, top: Sequence[Suspect], options: DebugOptions
) -> dict[tuple[str, str], list[CallTrace]]:
    """The calls of the suspects' functions in `test`, by (path, qualname)."""
    targets = sorted({f"{s.block.path}::{s.block.qualname}" for s in top})
    log.info("tracing %d functions block by block in %s", len(targets), test)
    with session.workspace(probe_files()) as ws:
        run = run_traces(ws, [test], targets, test_timeout=options.test_timeout)
    traced: TestRun | None = run.tests.get(test)
    found: dict[tuple[str, str], list[CallTrace]] = {}
    for call in traced.calls if traced else ():
        found.setdefault((call.filename, call.qualname), []).append(call)
    return found


def _located(
    rank: int,
    suspect: Suspect,
    graphs: Mapping[str, Sequence[FunctionGraph]],
    sources: Mapping[str, str],
    traces: Mapping[tuple[str, str], list[CallTrace]],
) -> Located:
    ref = suspect.block
    graph = next(g for g in graphs[ref.path] if g.qualname == ref.qualname)
    code = graph.source_of(graph.blocks[ref.index], sources[ref.path].splitlines())
    executions = [
        Execution(call_number, step.iteration, step.state)
        for call_number, call in enumerate(traces.get((ref.path, ref.qualname), ()), 1)
        for step in call.steps
        if step.block == ref.index
    ]
    if len(executions) > SHOWN_EXECUTIONS:
        half = SHOWN_EXECUTIONS // 2
        executions = executions[:half] + executions[-half:]
    return Located(rank, suspect, code, tuple(executions))
