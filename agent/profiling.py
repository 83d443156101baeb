"""`ratchet profile`: where a repository's test suite spends its time, and what that costs in
instructions.

py-spy samples the suite (or a command the user names) in a profiling workspace; the samples are
ranked into hotspots of the repo's own functions; the top ones are measured on their workload by
the instruction counter, and the probe says which tests drive each one. One more run of the same
command counts the lines of the repo's code that ran (profilers/linecount.py): samples show where
the time goes, the count is what `ratchet optimize` chooses targets by, because it is the same for
the same code every time.
"""

from __future__ import annotations

import logging
import shlex
import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from profilers import flamegraph, linecount, pyspy
from profilers.counter import prepare_counter
from profilers.hotspots import (
    Function,
    Hotspot,
    Stack,
    is_repo_code,
    lines_per_function,
    rank_hotspots,
)
from profilers.measure import Callers, MeasurementError, Meter
from sandbox.base import Session

log = logging.getLogger(__name__)
SUITE = ("python", "-m", "pytest", "-q", "-p", "no:cacheprovider")


@dataclass(frozen=True)
class ProfileOptions:
    top: int = 10  # rows in the table
    measure: int = 5  # how many of them get instruction counts
    functions: tuple[str, ...] = ()  # measure these instead of the top hotspots
    counter: str = "auto"
    rate: int = 100  # py-spy samples per second: low enough to add under 5% to the run
    min_samples: int = 400  # short suites are sampled again until there are this many
    max_runs: int = 8
    command: str | None = None  # profile this instead of the test suite


@dataclass(frozen=True)
class Row:
    hotspot: Hotspot | None
    function: str
    instructions: int | None = None
    tests: tuple[str, ...] = ()
    note: str | None = None  # why there is no count, when there is none


@dataclass(frozen=True)
class Counted:
    """A measured function's count on its workload, or why there is none."""

    instructions: int | None
    tests: tuple[str, ...]
    note: str | None = None


@dataclass(frozen=True)
class Profile:
    rows: list[Row]
    samples: int
    counter: str
    unit: str
    impl: str
    command: tuple[str, ...]
    stacks: list[Stack] = field(default_factory=list)
    lines: int = 0  # lines of the repo's functions that ran in the counted run

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "counter": {"name": self.counter, "unit": self.unit, "impl": self.impl},
            "samples": self.samples,
            "lines": self.lines,
            "command": list(self.command),
            "hotspots": [_row_json(row) for row in self.rows],
        }


def _row_json(row: Row) -> dict[str, Any]:
    spot = row.hotspot
    return {
        "function": row.function,
        "file": spot.file if spot else None,
        "line": spot.line if spot else None,
        "self_share": round(spot.self_share, 4) if spot else 0.0,
        "total_share": round(spot.total_share, 4) if spot else 0.0,
        "lines": spot.lines if spot else 0,
        "instructions": row.instructions,
        "tests": list(row.tests),
        "note": row.note,
    }


def sources_of(session: Session) -> dict[str, str]:
    root = session.repo.root
    return {
        name: (root / name).read_text(encoding="utf-8", errors="replace")
        for name in session.repo.files
        if name.endswith(".py")
    }


def profile(session: Session, options: ProfileOptions) -> Profile:
    """Sample, rank, then measure the top functions (or the named ones)."""
    argv, stacks, ranked = hotspots(session, options)
    hotspots_ = ranked[: options.top]
    samples = sum(stack.count for stack in stacks)
    targets = list(options.functions) or [h.function for h in hotspots_[: options.measure]]
    log.info("choosing an instruction counter and building the probe")
    meter = Meter(session, prepare_counter(session, options.counter), runs=1)
    counted = _measure(meter, session, targets, strict=bool(options.functions))
    by_name = {h.function: h for h in hotspots_}
    names = list(options.functions) or [h.function for h in hotspots_]
    rows = [_row(by_name.get(name), name, counted.get(name)) for name in names]
    choice = meter.choice
    lines = sum(h.lines for h in ranked)
    return Profile(rows, samples, choice.name, choice.unit, choice.impl, argv, stacks, lines)


def _row(hotspot: Hotspot | None, name: str, counted: Counted | None) -> Row:
    if counted is None:
        return Row(hotspot, name)
    return Row(hotspot, name, counted.instructions, counted.tests, counted.note)


def hotspots(
    session: Session, options: ProfileOptions
) -> tuple[tuple[str, ...], list[Stack], list[Hotspot]]:
    """Sample the suite (or `options.command`), count its lines (unless functions are named:
    there is nothing to choose), and rank the repo's functions: (argv, stacks, hotspots by total
    share, each with its line count)."""
    argv = tuple(shlex.split(options.command)) if options.command else SUITE
    stacks, root = _sample(session, argv, options)
    sources = sources_of(session)
    lines = {} if options.functions else _count(session, argv, sources)
    return argv, stacks, rank_hotspots(stacks, root, sources, lines)


def _sample(
    session: Session, argv: tuple[str, ...], options: ProfileOptions
) -> tuple[list[Stack], str]:
    """py-spy over `argv`, run again (each in a fresh workspace) until there are enough samples.

    A low rate keeps py-spy's cost per run small; repeating a short suite gives the ranking
    enough samples to be stable.
    """
    stacks: list[Stack] = []
    root = ""
    for run in range(1, options.max_runs + 1):
        with session.workspace(profiling=True) as ws:
            recording = pyspy.record(ws, argv, rate=options.rate)
            root = ws.root
        if not recording.result.ok and run == 1:
            log.warning("the profiled command failed: %s", recording.result.describe())
        stacks += recording.stacks
        samples = sum(stack.count for stack in stacks)
        log.info("run %d: %d samples of `%s` at %d Hz", run, samples, " ".join(argv), options.rate)
        if samples >= options.min_samples:
            break
    return stacks, root


def _count(session: Session, argv: tuple[str, ...], sources: dict[str, str]) -> dict[Function, int]:
    """The lines of each repo function that ran in one counted run of `argv`; none (and a
    warning) when it could not count, and targets are then chosen by samples."""
    files = [path for path in sources if is_repo_code(path)]
    try:
        with session.workspace() as ws:
            counted = linecount.count_lines(ws, argv, files)
            root = ws.root
    except pyspy.ProfilingError as exc:
        log.warning("%s Targets are chosen by samples instead, which vary from run to run.", exc)
        return {}
    if not counted.result.ok:
        log.warning("the counted command failed: %s", counted.result.describe())
    if counted.off:
        log.warning(
            "the command switched the line counter off (%d in all: sys.settrace(None), or a "
            "RecursionError inside it); lines run until it came back are not counted",
            counted.off,
        )
    if counted.replaced:
        log.warning(
            "the command put a trace function of its own in place of the line counter's, so "
            "the lines it ran after that are not counted"
        )
    lines = lines_per_function(counted.stacks, root, sources)
    log.info(
        "counted %s lines run in %d functions of the repo", f"{sum(lines.values()):,}", len(lines)
    )
    return lines


def _measure(
    meter: Meter, session: Session, targets: list[str], strict: bool
) -> dict[str, Counted]:
    """Count each target on its workload; a failure is a note on its row (or fatal if strict)."""
    if not targets:
        return {}
    log.info("finding the tests that call %d functions", len(targets))
    callers = meter.callers(targets, session.repo.layout.collect)
    results: dict[str, Counted] = {}
    for index, target in enumerate(targets, 1):
        found: Callers = callers[target]
        log.info(
            "[%d/%d] measuring %s on %d tests under %s",
            index,
            len(targets),
            target,
            len(found.workload),
            meter.counter,
        )
        try:
            measured = meter.measure(target, found.workload)
        except MeasurementError as exc:
            if strict:
                raise
            results[target] = Counted(None, found.workload, str(exc))
            continue
        value = int(statistics.median(c.value for c in measured.counts))
        results[target] = Counted(value, found.workload)
    return results


def write_flamegraph(profile_: Profile, path: Path) -> list[Path]:
    """The SVG at `path` and speedscope JSON beside it; returns both paths."""
    import json

    title = f"ratchet profile: {' '.join(profile_.command)}"
    path.write_text(flamegraph.render_svg(profile_.stacks, title))
    speedscope = path.with_suffix(".speedscope.json")
    speedscope.write_text(json.dumps(flamegraph.to_speedscope(profile_.stacks, title)))
    return [path, speedscope]


def render_text(profile_: Profile) -> str:
    header = f"{'function':<40} {'self':>6} {'total':>6} {'lines':>6} {profile_.unit:>14}  tests"
    lines = [header, "-" * len(header)]
    for row in profile_.rows:
        spot = row.hotspot
        shares = (
            f"{spot.self_share:>6.1%} {spot.total_share:>6.1%}" if spot else f"{'-':>6} {'-':>6}"
        )
        ran = f"{spot.lines / profile_.lines:>6.1%}" if spot and profile_.lines else f"{'-':>6}"
        count = f"{row.instructions:>14,}" if row.instructions is not None else f"{'-':>14}"
        tests = _tests_cell(row)
        lines.append(f"{row.function:<40} {shares} {ran} {count}  {tests}")
    lines.append("")
    counted = f"{profile_.lines:,} lines run in the repo's functions; " if profile_.lines else ""
    lines.append(
        f"{profile_.samples} samples; {counted}counter: {profile_.counter} ({profile_.impl})"
    )
    if profile_.lines:
        lines.append(
            "self, total: shares of the samples (time); lines: share of the repo's lines run "
            "(a count, the same every run: what `ratchet optimize` picks targets by)"
        )
    return "\n".join(lines)


def _tests_cell(row: Row) -> str:
    if row.note:
        return f"({row.note})"
    if not row.tests:
        return ""
    first = row.tests[0]
    return first if len(row.tests) == 1 else f"{first} +{len(row.tests) - 1} more"
