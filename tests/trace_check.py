"""The block tracer checked against the interpreter's own line events, with no test framework:
tests/test_blocktrace.py runs it in process, and as a script under every other Python found
(`python tests/trace_check.py` prints "ok" or fails), since the tracer takes a different path
(sys.monitoring) on 3.12 and later and the probe runs on 3.9 and later.
"""

from __future__ import annotations

import os
import sys
import tempfile
from typing import Any

sys.path.insert(
    0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "profilers")
)

from ratchet_probe.blocktrace import BlockTracer, CallTrace
from ratchet_probe.cfg import FunctionGraph, function_graphs
from ratchet_probe.tracing import LineCoverage

SAMPLES = """\
def loops(items, stop):
    seen = []
    total = 0
    for item in items:
        if item == stop:
            break
        if item < 0:
            continue
        seen.append(item)
        total += item
    else:
        total = -total
    while total > 10:
        total -= 10
    return seen, total


def guarded(text):
    try:
        value = int(text)
    except ValueError as error:
        value = len(str(error))
    else:
        value += 1
    finally:
        done = True
    with open(__file__) as handle:
        first = handle.readline()
    return value, done, bool(first)


def outer(n):
    acc = []
    for i in range(n):
        acc.append(inner(i))
    return acc


def inner(i):
    if i % 2:
        return i * 10
    raise_if(i)
    return -i


def raise_if(i):
    if i == 4:
        raise KeyError(i)


def long_loop(n):
    count = 0
    for i in range(n):
        if i == n // 2:
            count += 100
        count += 1
    return count


def counting(n):
    for i in range(n):
        yield i * 2


class Sulky:
    def __repr__(self):
        raise RuntimeError("no")


def odd_values():
    sulky = Sulky()
    text = "x" * 1000 + "END"
    return sulky, text


def untraced():
    return sys.gettrace() is None or sys._getframe().f_trace is None
"""


def load() -> tuple[dict[str, Any], dict[str, FunctionGraph]]:
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "samples.py")
    with open(path, "w") as handle:
        handle.write(SAMPLES)
    namespace: dict[str, Any] = {"__file__": path, "sys": sys}
    exec(compile(SAMPLES, path, "exec"), namespace)
    return namespace, function_graphs(SAMPLES, path)


def line_blocks(graph: FunctionGraph, run: Any) -> list[int]:
    """The blocks of `graph` that sys.settrace's line events of one call show, in order: a new
    step where the block changes, or where a block that loops to itself starts again."""
    lines: list[int] = []
    code_name = graph.name

    def local(frame: Any, event: str, arg: Any) -> Any:
        if event == "line":
            lines.append(frame.f_lineno)
        return local

    def hook(frame: Any, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_name == code_name else None

    previous = sys.gettrace()
    sys.settrace(hook)
    try:
        run()
    except Exception:
        pass
    finally:
        sys.settrace(previous)
    steps: list[int] = []
    last = 0
    for line in lines:
        block = graph.block_at(line)
        assert block is not None, f"line {line} of {graph.qualname} is in no block"
        again = bool(steps) and block.index == steps[-1] and line < last
        if not steps or block.index != steps[-1] or (again and block.index in block.successors):
            steps.append(block.index)
        last = line
    return steps


def traced(graphs: list[FunctionGraph], run: Any, **options: Any) -> tuple[CallTrace, ...]:
    tracer = BlockTracer(graphs, **{"keep_head": 10**6, **options})
    tracer.start()
    try:
        run()
    except Exception:
        pass
    finally:
        tracer.stop()
    return tracer.calls()


def check_sequences(ns: dict[str, Any], graphs: dict[str, FunctionGraph]) -> None:
    cases = [
        ("loops", lambda: ns["loops"]([1, -2, 3, 40, 5], 5)),
        ("loops", lambda: ns["loops"]([1, 2], 9)),
        ("guarded", lambda: ns["guarded"]("12")),
        ("guarded", lambda: ns["guarded"]("twelve")),
        ("inner", lambda: ns["inner"](3)),
        ("inner", lambda: ns["inner"](4)),
    ]
    for name, run in cases:
        graph = graphs[name]
        expected = line_blocks(graph, run)
        (call,) = traced([graph], run)
        got = [step.block for step in call.steps]
        assert got == expected, f"{name}: tracer {got} != line events {expected}"
        for at in range(len(got) - 1):  # pairwise() is 3.10: this runs on 3.9 too
            a, b = got[at], got[at + 1]
            assert b in graph.blocks[a].successors, f"{name}: {a} -> {b} is no edge"


def check_state(ns: dict[str, Any], graphs: dict[str, FunctionGraph]) -> None:
    (call,) = traced([graphs["loops"]], lambda: ns["loops"]([1, -2, 3], 9))
    assert call.arguments == (("items", "[1, -2, 3]"), ("stop", "9")), call.arguments
    assert call.outcome == "returned" and call.returned == "([1, 3], -4)", call
    states = [dict(step.state) for step in call.steps]
    assert states[0] == {"seen": "[]", "total": "0"}, states[0]
    assert {"seen": "[1]", "total": "1"} in states, states  # seen.append mutates seen
    assert states[-1] == {"return": "([1, 3], -4)"}, states[-1]
    (odd,) = traced([graphs["odd_values"]], ns["odd_values"])
    values = dict(odd.steps[0].state)
    assert values["sulky"].startswith("<") and "Sulky" in values["sulky"], values
    assert values["text"].endswith("END'") and len(values["text"]) <= 160, values["text"]


def check_sample(ns: dict[str, Any], graphs: dict[str, FunctionGraph]) -> None:
    graph = graphs["long_loop"]
    (call,) = traced([graph], lambda: ns["long_loop"](10_000), keep_head=3, keep_tail=3)
    assert call.returned == "10100" and call.total == 1 + 10_001 + 10_000 * 2 + 1 + 1, call.total
    assert call.skipped == call.total - len(call.steps) and len(call.steps) < 60
    body = graph.block_at(56)
    assert body is not None
    counted = [s.iteration for s in call.steps if s.block == body.index]
    assert counted[:3] == [1, 2, 3] and counted[-3:] == [9998, 9999, 10000], counted
    bonus = graph.block_at(55)
    assert bonus is not None and [s.iteration for s in call.steps if s.block == bonus.index]


def check_depth(ns: dict[str, Any], graphs: dict[str, FunctionGraph]) -> None:
    chosen = [graphs["outer"], graphs["inner"], graphs["raise_if"]]
    calls = traced(chosen, lambda: ns["outer"](6))
    assert [(c.qualname, c.depth) for c in calls[:4]] == [
        ("outer", 0), ("inner", 1), ("raise_if", 2), ("inner", 1)
    ], calls  # fmt: skip
    outcomes = {(c.qualname, c.outcome) for c in calls}
    assert ("raise_if", "raised") in outcomes and ("outer", "raised") in outcomes, outcomes
    limited = BlockTracer(chosen, max_calls=2)
    limited.start()
    ns["outer"](3)
    limited.stop()
    assert len(limited.calls()) == 2 and limited.dropped > 0


def check_generator_and_hooks(ns: dict[str, Any], graphs: dict[str, FunctionGraph]) -> None:
    calls = traced([graphs["counting"]], lambda: list(ns["counting"](2)))
    assert [c.outcome for c in calls] == ["yielded", "yielded", "returned"], calls
    assert [c.returned for c in calls] == ["0", "2", "None"], calls
    seen: list[bool] = []
    calls = traced([graphs["loops"]], lambda: seen.append(ns["untraced"]()))
    assert seen == [True] and calls == (), "an untraced function ran with a tracer"

    def mine(frame: Any, event: str, arg: Any) -> None:
        return None

    sys.settrace(mine)
    try:
        traced([graphs["loops"]], lambda: None)
        assert sys.gettrace() is mine, "the tracer did not put back the trace function before it"
    finally:
        sys.settrace(None)


def check_coverage(ns: dict[str, Any], graphs: dict[str, FunctionGraph]) -> None:
    path = graphs["inner"].filename
    cover = LineCoverage([path, "/nowhere/else.py"])
    for _ in range(2):  # a second run starts from nothing
        cover.start()
        ns["inner"](3)
        lines = cover.stop()
    assert lines == {path: frozenset({40, 41}), "/nowhere/else.py": frozenset()}, lines


def check_all() -> None:
    ns, graphs = load()
    for check in (
        check_sequences, check_state, check_sample, check_depth, check_generator_and_hooks,
        check_coverage,
    ):  # fmt: skip
        check(ns, graphs)


if __name__ == "__main__":
    check_all()
    print("ok")
