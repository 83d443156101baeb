"""Block by block: what each call of a chosen function did, and the state after each block.

    tracer = BlockTracer(graphs)        # FunctionGraphs (cfg.py) of the functions to trace
    tracer.start(); run(); tracer.stop()
    for call in tracer.calls(): ...     # CallTrace: the blocks it ran, in order, with state

The unit is the basic block, as in LDB (Zhong et al., ACL 2024): a Step is one execution of a
block, and its state the values after the block of the locals the block assigned or mutated,
not the whole frame (and for the block that returns or yields, "return" or "yield": the value). Values are bounded reprs (values.py): long ones keep their head and
tail, and a value whose repr fails is shown by its type. Immutable values are kept as they are
and shown only if their step is kept, so a step costs little until it matters.

A long trace keeps a principled sample: of each block the first `keep_head` and the last
`keep_tail` executions, and every step where control took an edge for the first time (with
the step before it); `skipped` counts the rest. A loop of 10,000 iterations shows how it
began, each iteration that went a new way, and how it ended.

Calls at any depth are traced, each a CallTrace of its own (`depth`: how many traced calls
enclose it); a generator's resumptions are calls of their own. The cost is paid inside traced
functions only: sys.monitoring's local events on their code objects on 3.12+ (other code
objects are disabled at their first call); below 3.12, a sys.settrace hook that returns at
once for every other frame. Only the thread that calls start() is traced.
"""

from __future__ import annotations

import os
from collections import deque
from dataclasses import dataclass, field
from types import CodeType, FrameType
from typing import Any

from .cfg import Block, FunctionGraph
from .tracing import Backend, backend
from .values import bounded_repr

LEAVES = -1  # the successor that leaves the function
IMMUTABLE = (int, float, complex, str, bytes, bool, type(None), range)


@dataclass(frozen=True)
class Step:
    block: int  # the index of the block in its FunctionGraph
    state: tuple[tuple[str, str], ...]  # (name, bounded repr) after the block, in block order
    iteration: int  # this is the block's n-th execution in the call, from 1


@dataclass(frozen=True)
class CallTrace:
    qualname: str
    filename: str
    depth: int  # traced calls enclosing this one
    steps: tuple[Step, ...]  # the kept sample, in order
    skipped: int  # steps left out of the sample
    total: int  # steps the call ran
    outcome: str  # returned | raised | yielded | unfinished
    arguments: tuple[tuple[str, str], ...] = ()  # the parameters on entry
    returned: str | None = None  # the bounded repr of the value returned or yielded


_Held = tuple[int, int, int, tuple[tuple[str, Any], ...]]  # position, block, iteration, state


@dataclass
class _Call:
    """One call in progress: the block it is in, and the sample kept so far."""

    graph: FunctionGraph
    lines: dict[int, Block]
    depth: int
    arguments: tuple[tuple[str, Any], ...]
    block: Block | None = None
    came_new: bool = True  # the block was entered by an edge not seen before
    last_line: int = 0
    total: int = 0
    runs: dict[int, int] = field(default_factory=dict)
    edges: set[tuple[int, int]] = field(default_factory=set)
    kept: list[_Held] = field(default_factory=list)
    tails: dict[int, deque[_Held]] = field(default_factory=dict)
    outcome: str = "unfinished"
    returned: Any = None


class BlockTracer:
    """Traces every call of `graphs`' functions between start() and stop()."""

    def __init__(
        self,
        graphs: list[FunctionGraph],
        *,
        max_calls: int = 50,
        keep_head: int = 3,
        keep_tail: int = 3,
        repr_limit: int = 160,
    ) -> None:
        self.max_calls, self.keep_head, self.keep_tail = max_calls, keep_head, keep_tail
        self.repr_limit = repr_limit
        self._by_start: dict[tuple[str, int], FunctionGraph] = {}
        for graph in graphs:
            path = os.path.realpath(graph.filename)
            self._by_start[(path, graph.first_line)] = graph
            self._by_start[(path, graph.def_line)] = graph
        self._lines = {id(g): _line_index(g) for g in graphs}
        self._codes: dict[CodeType, FunctionGraph | None] = {}
        self._active: dict[int, _Call] = {}
        self._calls: list[_Call] = []
        self.dropped = 0  # calls past max_calls, not traced
        self._backend: Backend | None = None

    def start(self) -> None:
        self._backend = backend(self._graph_of, self._enter, self._line, self._leave)
        self._backend.start()

    def stop(self) -> None:
        if self._backend is not None:
            self._backend.stop()
            self._backend = None

    def calls(self) -> tuple[CallTrace, ...]:
        return tuple(self._trace(call) for call in self._calls)

    # -- events, from the backend ---------------------------------------------------------

    def _graph_of(self, code: CodeType) -> FunctionGraph | None:
        try:
            return self._codes[code]
        except KeyError:
            key = (os.path.realpath(code.co_filename), code.co_firstlineno)
            found = self._by_start.get(key)
            if found is not None and found.name != code.co_name:
                found = None
            self._codes[code] = found
            return found

    def _enter(self, frame: FrameType, graph: FunctionGraph) -> bool:
        if len(self._calls) >= self.max_calls:
            self.dropped += 1
            return False
        code = frame.f_code
        count = code.co_argcount + code.co_kwonlyargcount
        count += bool(code.co_flags & 0x04) + bool(code.co_flags & 0x08)  # *args, **kwargs
        local = frame.f_locals
        names = [n for n in code.co_varnames[:count] if n in local]
        arguments = tuple((n, self._keep(local[n])) for n in names)
        call = _Call(graph, self._lines[id(graph)], len(self._active), arguments)
        self._active[id(frame)] = call
        self._calls.append(call)
        return True

    def _line(self, frame: FrameType, line: int) -> None:
        call = self._active.get(id(frame))
        if call is None:
            return
        block = call.lines.get(line)
        if block is None:
            return
        current = call.block
        if current is None:
            call.block, call.last_line = block, line
            return
        again = line < call.last_line and current.index in current.successors
        if block is not current or again:
            self._finish(call, frame, block.index)
            call.block = block
        call.last_line = line

    def _leave(self, frame: FrameType, outcome: str, value: Any) -> None:
        call = self._active.pop(id(frame), None)
        if call is None:
            return
        gives = outcome in ("returned", "yielded")
        call.outcome = outcome
        call.returned = self._keep(value) if gives else None
        if call.block is not None:
            given = (("yield" if outcome == "yielded" else "return", call.returned),)
            self._finish(call, frame, LEAVES, given if gives else ())
        self._close(call)

    # -- the sample -------------------------------------------------------------------------

    def _finish(
        self, call: _Call, frame: FrameType, going: int, more: tuple[tuple[str, Any], ...] = ()
    ) -> None:
        """The current block's step is over: note its state (and `more`: the value a returning
        block gives back), and keep the step or hold it back."""
        block = call.block
        assert block is not None
        state = more
        if block.assigns:
            local = frame.f_locals
            state = tuple((n, self._keep(local[n])) for n in block.assigns if n in local) + more
        runs = call.runs[block.index] = call.runs.get(block.index, 0) + 1
        edge = (block.index, going)
        goes_new = edge not in call.edges
        call.edges.add(edge)
        step = (call.total, block.index, runs, state)
        call.total += 1
        if runs <= self.keep_head or call.came_new or goes_new:
            call.kept.append(step)
        else:
            tail = call.tails.setdefault(block.index, deque(maxlen=self.keep_tail))
            tail.append(step)
        call.came_new = goes_new

    def _close(self, call: _Call) -> None:
        for tail in call.tails.values():
            call.kept.extend(tail)
        call.tails.clear()
        call.kept.sort(key=lambda step: step[0])

    def _trace(self, call: _Call) -> CallTrace:
        if call.outcome == "unfinished" and call.tails:
            self._close(call)
        steps = tuple(Step(index, self._shown(state), runs) for _, index, runs, state in call.kept)
        gave = call.outcome in ("returned", "yielded")
        returned = self._show(call.returned) if gave else None
        return CallTrace(
            qualname=call.graph.qualname,
            filename=call.graph.filename,
            depth=call.depth,
            steps=steps,
            skipped=call.total - len(steps),
            total=call.total,
            outcome=call.outcome,
            arguments=self._shown(call.arguments),
            returned=returned,
        )

    def _keep(self, value: Any) -> Any:
        """An immutable value as it is (shown later, if at all); any other shown now."""
        return value if type(value) in IMMUTABLE else _Shown(self._show(value))

    def _show(self, value: Any) -> str:
        if isinstance(value, _Shown):
            return value.text
        return bounded_repr(value, self.repr_limit)

    def _shown(self, pairs: tuple[tuple[str, Any], ...]) -> tuple[tuple[str, str], ...]:
        return tuple((name, self._show(value)) for name, value in pairs)


@dataclass(frozen=True)
class _Shown:
    text: str


def _line_index(graph: FunctionGraph) -> dict[int, Block]:
    return {line: block for block in graph.blocks for line in block.lines}
