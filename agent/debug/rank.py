"""Which blocks are most likely to hold the bug: spectrum-based fault localization.

    suspects = rank_blocks(graphs, runs)   # graphs: path -> FunctionGraphs; runs: TestRuns

A block's spectrum is how many failing tests ran it (ef) and how many passing tests did (ep);
its Ochiai score is ef / sqrt(F * (ef + ep)), F the failing tests in all: 1.0 for a block
every failing test ran and no passing one did. Blocks no failing test ran are not suspects.
Ties, which a single failing test and no passing ones make of every block it ran, are broken
by distance to the failure point: the block the failure was raised in, then blocks on its
traceback, then the rest of those functions, then the others by how far their lines are from
the innermost traceback line in the same file.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from profilers.blocks import TestRun
from profilers.ratchet_probe.cfg import Block, FunctionGraph

FAR = 10**9  # the line distance of a block in a file no traceback line is in


@dataclass(frozen=True)
class BlockRef:
    """A block of a function of the repo."""

    path: str
    qualname: str
    index: int
    start_line: int
    end_line: int


@dataclass(frozen=True)
class Suspect:
    block: BlockRef
    score: float  # Ochiai, 0..1
    failed: int  # failing tests that ran the block
    passed: int  # passing tests that ran it
    nearness: int  # 0 raised here, 1 on the traceback, 2 in a traceback function, 3 elsewhere


def rank_blocks(
    graphs: Mapping[str, Sequence[FunctionGraph]], runs: Sequence[TestRun]
) -> list[Suspect]:
    """The blocks failing tests ran, most suspicious first."""
    failing = [run for run in runs if run.outcome == "failed"]
    passing = [run for run in runs if run.outcome == "passed"]
    innermost, outer = failure_points(failing, set(graphs))
    points = innermost + outer
    ranked = []
    for path, functions in graphs.items():
        for graph in functions:
            for block in graph.blocks:
                ef = sum(_ran(run, path, block) for run in failing)
                if not ef:
                    continue
                ep = sum(_ran(run, path, block) for run in passing)
                score = ef / math.sqrt(len(failing) * (ef + ep))
                ref = BlockRef(path, graph.qualname, block.index, block.start_line, block.end_line)
                ranked.append(
                    (Suspect(ref, score, ef, ep, _nearness(ref, points, len(innermost))), ref)
                )
    ranked.sort(key=lambda pair: _order(pair[0], points))
    return [suspect for suspect, _ in ranked]


Frame = tuple[str, int, str]  # (path, line, function)


def failure_points(failing: Sequence[TestRun], paths: set[str]) -> tuple[list[Frame], list[Frame]]:
    """The traceback frames of the failures that lie in `paths` (the repo's code): each
    failure's innermost such frame (where the repo's code raised, or called what raised), and
    the frames further out, innermost first."""
    innermost: list[Frame] = []
    outer: list[Frame] = []
    for run in failing:
        frames = [f for f in reversed(run.failure.frames if run.failure else ()) if f[0] in paths]
        innermost += frames[:1]
        outer += frames[1:]
    return innermost, outer


def _ran(run: TestRun, path: str, block: Block) -> bool:
    lines = run.lines.get(path, frozenset())
    return any(line in lines for line in block.lines)


def _nearness(ref: BlockRef, points: Sequence[Frame], innermost: int) -> int:
    inside = [
        i for i, (path, line, _) in enumerate(points)
        if path == ref.path and ref.start_line <= line <= ref.end_line
    ]  # fmt: skip
    if inside:
        return 0 if inside[0] < innermost else 1
    functions = {(path, name) for path, _, name in points}
    return 2 if (ref.path, ref.qualname.rsplit(".", 1)[-1]) in functions else 3


def _order(suspect: Suspect, points: Sequence[Frame]) -> tuple[object, ...]:
    ref = suspect.block
    distance = min(
        (abs(line - ref.start_line) for path, line, _ in points if path == ref.path), default=FAR
    )
    return (-suspect.score, suspect.nearness, distance, ref.path, ref.start_line)
