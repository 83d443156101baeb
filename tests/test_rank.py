"""Suspiciousness: Ochiai over block coverage, ties broken by the failure's traceback."""

from __future__ import annotations

import math

from agent.debug.rank import rank_blocks
from profilers.blocks import Failure, TestRun
from profilers.ratchet_probe.cfg import function_graphs

SOURCE = """\
def classify(x):
    if x > 0:
        kind = "positive"
    else:
        kind = "other"
    return kind


def check(x):
    if x is None:
        raise ValueError("no x")
    return classify(x)
"""
GRAPHS = {"m.py": list(function_graphs(SOURCE, "m.py").values())}


def run(nodeid: str, outcome: str, lines: set[int], failure: Failure | None = None) -> TestRun:
    return TestRun(nodeid, outcome, {"m.py": frozenset(lines)}, failure, ())


def lines_of(suspect_line: int) -> tuple[str, int]:
    return ("m.py", suspect_line)


def test_a_block_only_failing_tests_ran_ranks_first() -> None:
    runs = [
        run("t::fails", "failed", {2, 5, 6}),
        run("t::passes", "passed", {2, 3, 6}),
        run("t::passes_too", "passed", {2, 3, 6}),
    ]
    ranked = rank_blocks(GRAPHS, runs)
    assert (ranked[0].block.qualname, ranked[0].block.start_line) == ("classify", 5)
    assert ranked[0].score == 1.0 and (ranked[0].failed, ranked[0].passed) == (1, 0)
    shared = [s for s in ranked if s.block.start_line == 2]
    assert shared and math.isclose(shared[0].score, 1 / math.sqrt(3))


def test_blocks_no_failing_test_ran_are_not_suspects() -> None:
    runs = [run("t::fails", "failed", {2, 5, 6}), run("t::passes", "passed", {2, 3, 6, 10, 12})]
    ranked = rank_blocks(GRAPHS, runs)
    assert all(s.failed > 0 for s in ranked)
    assert not any(s.block.qualname == "check" for s in ranked)
    assert not any(s.block.start_line == 3 for s in ranked)


def test_one_failing_test_alone_is_decided_by_where_it_raised() -> None:
    raised = Failure("ValueError: no x", (("tests/t.py", 4, "test_it"), ("m.py", 11, "check")))
    ranked = rank_blocks(GRAPHS, [run("t::fails", "failed", {10, 11}, raised)])
    assert {s.score for s in ranked} == {1.0}  # every block it ran ties on Ochiai
    assert (ranked[0].block.start_line, ranked[0].nearness) == (11, 0)
    assert ranked[1].block.start_line == 10 and ranked[1].nearness == 2


def test_traceback_frames_outside_the_ranked_files_are_ignored() -> None:
    deep = Failure("KeyError", (("m.py", 12, "check"), ("/usr/lib/python3/x.py", 9, "get")))
    ranked = rank_blocks(GRAPHS, [run("t::fails", "failed", {2, 3, 6, 10, 12}, deep)])
    assert ranked[0].block.start_line == 12 and ranked[0].nearness == 0


def test_every_block_of_a_test_counts_once_however_many_lines_it_ran() -> None:
    runs = [run("t::a", "failed", {2}), run("t::b", "failed", {2}), run("t::c", "passed", {2})]
    (first, *_) = rank_blocks(GRAPHS, runs)
    assert (first.failed, first.passed) == (2, 1)
    assert math.isclose(first.score, 2 / math.sqrt(2 * 3))
