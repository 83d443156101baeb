"""Instruction counters that count only inside the measured region.

callgrind   client requests from the compiled `_callgrind` extension, or without a compiler
            the region run inside libc's qsort under --toggle-collect=qsort
perf        perf_event_open: user-space instructions retired
bytecode    bytecodes executed in Python frames (sys.monitoring or settrace); advisory
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import platform
import struct
import sys
from collections.abc import Callable
from typing import Any, ClassVar


class Counter:
    """Counts only between enter() and leave(); begin()/end() bracket the measured pass."""

    name = "none"
    unit = "calls"
    impl = "none"

    def begin(self) -> None:
        pass

    def enter(self) -> None:
        pass

    def leave(self) -> None:
        pass

    def end(self) -> int | None:
        return None


class CallgrindExtension(Counter):
    """Client requests from the compiled extension: exact region bracketing."""

    name, unit, impl = "callgrind", "instructions", "client-requests"

    def __init__(self) -> None:
        from . import _callgrind  # type: ignore[attr-defined]  # built by `build-ext`

        self.cg = _callgrind  # ImportError above selects the fallback

    def begin(self) -> None:
        self.cg.start_instrumentation()
        self.cg.zero_stats()

    def enter(self) -> None:
        self.cg.toggle_collect()

    leave = enter

    def end(self) -> int | None:
        """Nothing to read here: callgrind writes what was collected since begin() to its
        output file when the process has ended, after any code of the candidate's has run,
        and the host reads it from there. (Instrumentation stays on: switching it off throws
        away what was collected.)"""
        return None


class CallgrindMarker(Counter):
    """Fallback without a compiler: the region runs inside libc's qsort, and valgrind is started
    with --toggle-collect=qsort, so exactly what runs inside the marker is collected. The host
    reads the total from callgrind's output file after the process exits."""

    name, unit, impl = "callgrind", "instructions", "toggle-collect"
    marker = "qsort"

    def __init__(self) -> None:
        self.libc = ctypes.CDLL(None)
        self.callback_type = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)

    def run_inside(self, call: Callable[[], Any]) -> Any:
        outcome: list[Any] = []

        def compare(a: Any, b: Any) -> int:
            if not outcome:  # a sort of two elements may compare more than once
                try:
                    outcome.append((True, call()))
                except BaseException as exc:  # re-raised outside the C frame
                    outcome.append((False, exc))
            return 0

        pair = (ctypes.c_int * 2)()
        self.libc.qsort(pair, 2, ctypes.sizeof(ctypes.c_int), self.callback_type(compare))
        ok, value = outcome[0]
        if not ok:
            raise value
        return value


class PerfCounter(Counter):
    """perf_event_open: user-space instructions retired, enabled only inside the region."""

    name, unit, impl = "perf", "instructions", "perf_event_open"
    SYSCALL: ClassVar[dict[str, int]] = {"x86_64": 298, "aarch64": 241}
    ENABLE, DISABLE, RESET = 0x2400, 0x2401, 0x2403

    def __init__(self) -> None:
        self.libc = ctypes.CDLL(None, use_errno=True)
        number = self.SYSCALL.get(platform.machine())
        flags = (1 << 0) | (1 << 5) | (1 << 6)  # disabled, exclude_kernel, exclude_hv
        head = struct.pack("=IIQQQQQ", 0, 128, 1, 0, 0, 0, flags)
        attr = ctypes.create_string_buffer(head + b"\0" * (128 - len(head)), 128)
        self.fd = self.libc.syscall(number, attr, 0, -1, -1, 0) if number else -1
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "perf_event_open failed")

    def begin(self) -> None:
        self.libc.ioctl(self.fd, self.RESET, 0)

    def enter(self) -> None:
        self.libc.ioctl(self.fd, self.ENABLE, 0)

    def leave(self) -> None:
        self.libc.ioctl(self.fd, self.DISABLE, 0)

    def end(self) -> int | None:
        return struct.unpack("=q", os.read(self.fd, 8))[0]


class BytecodeCounter(Counter):
    """Advisory: bytecode instructions executed in Python frames; blind to work done in C."""

    name, unit, impl = "bytecode", "bytecodes", "settrace"

    def __init__(self) -> None:
        self.count = 0
        self.monitoring = getattr(sys, "monitoring", None)
        if self.monitoring is not None:
            self.impl = "sys.monitoring"
            self.tool = self.monitoring.PROFILER_ID
            self.monitoring.use_tool_id(self.tool, "ratchet")
            self.monitoring.register_callback(
                self.tool, self.monitoring.events.INSTRUCTION, self._instruction
            )

    def _instruction(self, code: Any, offset: int) -> None:
        self.count += 1

    def _trace(self, frame: Any, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        if event == "opcode":
            self.count += 1
        return self._trace

    def enter(self) -> None:
        if self.monitoring is not None:
            self.monitoring.set_events(self.tool, self.monitoring.events.INSTRUCTION)
        else:
            sys.settrace(self._trace)

    def leave(self) -> None:
        if self.monitoring is not None:
            self.monitoring.set_events(self.tool, 0)
        else:
            sys.settrace(None)

    def end(self) -> int | None:
        return self.count


def make_counter(name: str) -> Counter:
    """The counter `name` names; callgrind by client requests where the extension was built."""
    if name == "callgrind":
        try:
            return CallgrindExtension()
        except ImportError:
            return CallgrindMarker()
    if name == "perf":
        return PerfCounter()
    if name == "bytecode":
        return BytecodeCounter()
    return Counter()


def fingerprint(counter: Counter, salt: str) -> str:
    executable = os.path.realpath(sys.executable)
    size = os.path.getsize(executable) if os.path.exists(executable) else 0
    parts = [sys.version, executable, str(size), counter.name, counter.impl, salt]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
