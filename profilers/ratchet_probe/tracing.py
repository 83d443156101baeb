"""The interpreter's hooks: where the block tracer's events come from, and line coverage.

    hook = backend(graph_of, enter, line, leave)   # blocktrace.BlockTracer's callbacks
    hook.start(); run(); hook.stop()

    cover = LineCoverage(["/abs/pkg/m.py"]); cover.start(); run(); lines = cover.stop()

`graph_of(code)` says whether a code object is traced (its FunctionGraph, or None) and is
asked once per code object; `enter(frame, graph)` whether this call is (False: a call past
the tracer's limit); then `line(frame, lineno)` for each line the call runs and
`leave(frame, outcome, value)` as it ends: returned, yielded or raised.

On 3.12+ both use sys.monitoring: every code object that is not traced is disabled at its
first event, so untraced code runs at full speed; line coverage disables each line at its
first event too (a line run once is all it needs). Below 3.12, sys.settrace: a hook called
at each call, which returns at once for frames it does not trace. Only the calling thread
is traced, and a hook that was installed before start() is back after stop().
"""

from __future__ import annotations

import dis
import os
import sys
from types import CodeType, FrameType
from typing import Any, Callable, Optional, Protocol

GraphOf = Callable[[CodeType], Optional[Any]]
Enter = Callable[[FrameType, Any], bool]
Line = Callable[[FrameType, int], None]
Leave = Callable[[FrameType, str, Any], None]

YIELD_VALUE = dis.opmap.get("YIELD_VALUE", -1)
MONITORING = sys.version_info >= (3, 12)


class Backend(Protocol):
    """Where events come from: installed by start(), removed by stop()."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


def backend(graph_of: GraphOf, enter: Enter, line: Line, leave: Leave) -> Backend:
    kind = Monitoring if MONITORING else SetTrace
    return kind(graph_of, enter, line, leave)


class SetTrace:
    def __init__(self, graph_of: GraphOf, enter: Enter, line: Line, leave: Leave) -> None:
        self._graph_of, self._enter, self._line, self._leave = graph_of, enter, line, leave
        self._raising: set[int] = set()  # frames an exception is passing through
        self._previous: Any = None

    def start(self) -> None:
        self._previous = sys.gettrace()
        sys.settrace(self._call)

    def stop(self) -> None:
        sys.settrace(self._previous)

    def _call(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event != "call":
            return None
        graph = self._graph_of(frame.f_code)
        if graph is None or not self._enter(frame, graph):
            return None
        return self._local

    def _local(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            self._raising.discard(id(frame))
            self._line(frame, frame.f_lineno)
        elif event == "exception":
            self._raising.add(id(frame))
        elif event == "return":
            if id(frame) in self._raising:
                self._raising.discard(id(frame))
                self._leave(frame, "raised", None)
            else:
                self._leave(frame, "yielded" if _yields(frame) else "returned", arg)
        return self._local


def _yields(frame: FrameType) -> bool:
    """Whether a 'return' event is a yield (below 3.12 settrace says 'return' for both)."""
    code, offset = frame.f_code.co_code, frame.f_lasti
    return 0 <= offset < len(code) and code[offset] == YIELD_VALUE


class Monitoring:  # pragma: no cover - 3.12+ only
    def __init__(self, graph_of: GraphOf, enter: Enter, line: Line, leave: Leave) -> None:
        self._graph_of, self._enter, self._line, self._leave = graph_of, enter, line, leave
        self._traced: set[CodeType] = set()
        self._tool = -1

    def start(self) -> None:
        mon = _monitoring()
        events = mon.events
        self._tool = _claim_tool(mon)
        for event, callback in (
            (events.PY_START, self._on_start),
            (events.PY_RESUME, self._on_start),
            (events.LINE, self._on_line),
            (events.PY_RETURN, self._on_return),
            (events.PY_YIELD, self._on_yield),
            (events.PY_UNWIND, self._on_unwind),
        ):
            mon.register_callback(self._tool, event, callback)
        mon.set_events(self._tool, events.PY_START | events.PY_RESUME | events.PY_UNWIND)
        for code in self._traced:
            self._watch(code)
        mon.restart_events()

    def stop(self) -> None:
        mon = _monitoring()
        mon.set_events(self._tool, 0)
        for code in self._traced:
            mon.set_local_events(self._tool, code, 0)
        mon.free_tool_id(self._tool)
        mon.restart_events()

    def _watch(self, code: CodeType) -> None:
        mon = _monitoring()
        local = mon.events.LINE | mon.events.PY_RETURN | mon.events.PY_YIELD
        mon.set_local_events(self._tool, code, local)

    def _on_start(self, code: CodeType, offset: int) -> Any:
        graph = self._graph_of(code)
        if graph is None:
            return _monitoring().DISABLE
        if code not in self._traced:
            self._traced.add(code)
            self._watch(code)
        self._enter(sys._getframe(1), graph)
        return None

    def _on_line(self, code: CodeType, line: int) -> None:
        self._line(sys._getframe(1), line)

    def _on_return(self, code: CodeType, offset: int, value: Any) -> None:
        self._leave(sys._getframe(1), "returned", value)

    def _on_yield(self, code: CodeType, offset: int, value: Any) -> None:
        self._leave(sys._getframe(1), "yielded", value)

    def _on_unwind(self, code: CodeType, offset: int, exc: BaseException) -> None:
        if code in self._traced:
            self._leave(sys._getframe(1), "raised", None)


def _monitoring() -> Any:  # pragma: no cover - 3.12+ only
    return sys.monitoring  # type: ignore[attr-defined]


def _claim_tool(mon: Any) -> int:
    """A sys.monitoring tool id no other tool (a debugger, coverage) holds."""
    for tool in (mon.PROFILER_ID, 3, 4, 1, 0):
        if mon.get_tool(tool) is None:
            mon.use_tool_id(tool, "ratchet")
            return int(tool)
    raise RuntimeError("every sys.monitoring tool id is taken")


class LineCoverage:
    """The lines of `filenames` run between start() and stop()."""

    def __init__(self, filenames: list[str]) -> None:
        self._files = {os.path.realpath(f): f for f in filenames}
        self._lines: dict[str, set[int]] = {f: set() for f in filenames}
        self._of_code: dict[CodeType, set[int] | None] = {}
        self._previous: Any = None
        self._tool = -1

    def start(self) -> None:
        for lines in self._lines.values():
            lines.clear()
        if MONITORING:  # pragma: no cover - 3.12+ only
            mon = _monitoring()
            self._tool = _claim_tool(mon)
            mon.register_callback(self._tool, mon.events.LINE, self._on_line)
            mon.set_events(self._tool, mon.events.LINE)
            mon.restart_events()
        else:
            self._previous = sys.gettrace()
            sys.settrace(self._call)

    def stop(self) -> dict[str, frozenset[int]]:
        if MONITORING:  # pragma: no cover - 3.12+ only
            mon = _monitoring()
            mon.set_events(self._tool, 0)
            mon.free_tool_id(self._tool)
            mon.restart_events()
        else:
            sys.settrace(self._previous)
        return {f: frozenset(lines) for f, lines in self._lines.items()}

    def _lines_of(self, code: CodeType) -> set[int] | None:
        try:
            return self._of_code[code]
        except KeyError:
            name = self._files.get(os.path.realpath(code.co_filename))
            found = self._of_code[code] = None if name is None else self._lines[name]
            return found

    def _on_line(self, code: CodeType, line: int) -> Any:  # pragma: no cover - 3.12+ only
        lines = self._lines_of(code)
        if lines is not None:
            lines.add(line)
        return _monitoring().DISABLE

    def _call(self, frame: FrameType, event: str, arg: Any) -> Any:
        lines = self._lines_of(frame.f_code)
        if lines is None:
            return None
        add = lines.add

        def local(frame: FrameType, event: str, arg: Any) -> Any:
            if event == "line":
                add(frame.f_lineno)
            return local

        return local
