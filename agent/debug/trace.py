"""`ratchet trace`: one function, block by block, as the tests run it.

    traced = trace_function(session, target, tests=("tests/test_x.py::test_y",))

Every call of the function (at any depth) in the chosen tests, or in the first tests that
call it when none are chosen, is traced by the probe's block tracer: each block it ran, in
order, and the state after it. The text view shows each block's code the first time it runs
and the state after every execution kept; the JSON view (version 1) holds the graph too:

    {"version": 1, "function", "file",
     "blocks": [{"index", "start_line", "end_line", "kind", "successors", "code"}],
     "calls": [{"test", "qualname", "depth", "outcome", "arguments", "returned", "total",
                "skipped", "steps": [{"block", "iteration", "state": {name: repr}}]}]}
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from profilers.blocks import run_traces
from profilers.probe import probe_files
from profilers.ratchet_probe.blocktrace import CallTrace
from profilers.ratchet_probe.cfg import FunctionGraph, function_graphs
from sandbox.base import Session

from ..gate.target import Target
from .localize import select_tests

log = logging.getLogger(__name__)
SHOWN_TESTS = 3  # without --test: the calls of the first tests that call the function


@dataclass(frozen=True)
class TracedCall:
    test: str
    call: CallTrace


@dataclass(frozen=True)
class Traced:
    function: str
    graph: FunctionGraph
    code: tuple[str, ...]  # each block's code, by index
    calls: tuple[TracedCall, ...]
    tests: int  # tests that ran
    problem: str | None = None  # why the run ended early, if it did

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "function": self.function,
            "file": self.graph.filename,
            "blocks": [
                {
                    "index": b.index,
                    "start_line": b.start_line,
                    "end_line": b.end_line,
                    "kind": b.kind,
                    "successors": list(b.successors),
                    "code": self.code[b.index],
                }
                for b in self.graph.blocks
            ],
            "calls": [_call_json(traced) for traced in self.calls],
            "problem": self.problem,
        }


def _call_json(traced: TracedCall) -> dict[str, Any]:
    call = traced.call
    return {
        "test": traced.test,
        "qualname": call.qualname,
        "depth": call.depth,
        "outcome": call.outcome,
        "arguments": dict(call.arguments),
        "returned": call.returned,
        "total": call.total,
        "skipped": call.skipped,
        "steps": [
            {"block": s.block, "iteration": s.iteration, "state": dict(s.state)} for s in call.steps
        ],
    }


def trace_function(
    session: Session, target: Target, tests: Sequence[str] = (), *, test_timeout: float = 10.0
) -> Traced:
    text = target.source.decode("utf-8", errors="replace")
    graph = function_graphs(text, target.path)[target.qualname]
    code = tuple(graph.source_of(block, text.splitlines()) for block in graph.blocks)
    log.info("tracing %s block by block (%d blocks)", target.function, len(graph.blocks))
    with session.workspace(probe_files()) as ws:
        run = run_traces(
            ws, list(tests), [f"{target.path}::{target.qualname}"], test_timeout=test_timeout
        )
    if tests:
        select_tests(tests, [*run.started, *run.tests])  # UnknownTest for one that did not run
    calling = [t for t in run.tests.values() if t.calls]
    shown = calling if tests else calling[:SHOWN_TESTS]
    calls = tuple(TracedCall(t.nodeid, call) for t in shown for call in t.calls)
    return Traced(target.function, graph, code, calls, len(run.tests), run.problem)


def render_text(traced: Traced) -> str:
    ref = f"{traced.graph.filename}::{traced.graph.qualname}"
    if not traced.calls:
        return (
            f"{ref} was not called by the {traced.tests} tests that ran; name a test that "
            "calls it with --test"
        ) + (f" ({traced.problem})" if traced.problem else "")
    lines = []
    for number, traced_call in enumerate(traced.calls, 1):
        lines += _call_text(traced, traced_call, number)
    if traced.problem:
        lines.append(f"(the run ended early: {traced.problem})")
    return "\n".join(lines)


def _call_text(traced: Traced, traced_call: TracedCall, number: int) -> list[str]:
    call = traced_call.call
    arguments = ", ".join(f"{n}={v}" for n, v in call.arguments)
    outcome = f"returned {call.returned}" if call.outcome == "returned" else call.outcome
    indent = "  " * call.depth
    lines = [
        f"{indent}call {number}: {call.qualname}({arguments}) in {traced_call.test}: {outcome}"
    ]
    seen: set[int] = set()
    for step in call.steps:
        block = traced.graph.blocks[step.block]
        span = f"line {block.start_line}" + (
            f"-{block.end_line}" if block.end_line != block.start_line else ""
        )
        lines.append(f"{indent}  block {step.block} ({span}), #{step.iteration}")
        if step.block not in seen:
            seen.add(step.block)
            lines += [f"{indent}    | {line}" for line in traced.code[step.block].splitlines()]
        values = ", ".join(f"{n} = {v}" for n, v in step.state)
        if values:
            lines.append(f"{indent}    -> {values}")
    if call.skipped:
        lines.append(
            f"{indent}  ({call.skipped} of {call.total} block executions not shown: the middle "
            "iterations of loops that went the same way)"
        )
    return lines
