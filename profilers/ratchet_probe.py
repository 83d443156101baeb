"""Ratchet's probe: the one module that runs inside the target's test process.

Standard library only, Python 3.9 to 3.13, and a name no project uses, because it is copied into
the sandbox next to someone else's code. It is a pytest plugin (`-p ratchet_probe`) configured
by the JSON file named in $RATCHET_PROBE:

    {"mode": "callers" | "measure",
     "targets": ["pkg.mod.func", "pkg.mod.Class.method"],
     "counter": "callgrind" | "perf" | "bytecode",   # measure mode
     "perturbation": 0,                               # measure mode: heap-state variant
     "salt": "...",                                   # mixed into the fingerprint
     "output": "/abs/path/result.json"}

callers: wraps each target and records which tests call it, and how often.
measure: runs the selected tests twice in one process: a warm-up pass, then a measured pass with
    the heap perturbed, gc collected then disabled, and the counter running only inside the
    outermost calls of the target (recursion counted once). Writes the count, the number of calls,
    and test outcomes to `output`.

`python ratchet_probe.py build-ext DIR` compiles the callgrind client-request extension into DIR.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import glob
import hashlib
import importlib
import json
import os
import platform
import struct
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from typing import Any, ClassVar

CONFIG_ENV = "RATCHET_PROBE"
DUMP_LABEL = "ratchet-region"


# -- locating and wrapping targets -------------------------------------------------------------


def resolve(qualname: str) -> tuple[Any, str, Any]:
    """(owner, attribute name, raw attribute) for a dotted name: module[.Class...].function."""
    parts = qualname.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            owner: Any = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for name in parts[split:-1]:
                owner = getattr(owner, name)
            raw = vars(owner)[parts[-1]]
        except (AttributeError, KeyError):
            continue
        return owner, parts[-1], raw
    raise LookupError(f"{qualname} was not found: no importable module defines it")


def install(qualname: str, make_wrapper: Callable[[Callable[..., Any]], Callable[..., Any]]) -> int:
    """Replace the target everywhere it is bound; returns how many bindings were replaced."""
    owner, name, raw = resolve(qualname)
    kind = type(raw) if isinstance(raw, (staticmethod, classmethod)) else None
    original = raw.__func__ if kind else raw
    if not callable(original):
        raise LookupError(f"{qualname} is not a function")
    wrapper = functools.wraps(original)(make_wrapper(original))
    setattr(owner, name, kind(wrapper) if kind else wrapper)
    replaced = 1
    if isinstance(owner, type):
        return replaced
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict) or module is owner:
            continue
        for key, value in list(namespace.items()):
            if value is original:
                namespace[key] = wrapper
                replaced += 1
    return replaced


# -- counters ------------------------------------------------------------------------------------


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

    def __init__(self, out_file: str) -> None:
        import ratchet_callgrind  # built by `build-ext`; ImportError selects the fallback

        self.cg = ratchet_callgrind
        self.out_file = out_file

    def begin(self) -> None:
        self.cg.start_instrumentation()
        self.cg.zero_stats()

    def enter(self) -> None:
        self.cg.toggle_collect()

    leave = enter

    def end(self) -> int | None:
        self.cg.dump_stats_at(DUMP_LABEL)
        self.cg.stop_instrumentation()
        return read_callgrind_total(self.out_file, DUMP_LABEL)


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


def make_counter(name: str, out_file: str) -> Counter:
    if name == "callgrind":
        try:
            return CallgrindExtension(out_file)
        except ImportError:
            return CallgrindMarker()
    if name == "perf":
        return PerfCounter()
    if name == "bytecode":
        return BytecodeCounter()
    return Counter()


def read_callgrind_total(out_file: str, label: str | None = None) -> int | None:
    """The total Ir of the dump triggered by `label` (or of any dump), from callgrind's files."""
    for path in sorted(glob.glob(out_file + "*")):
        with open(path, errors="replace") as handle:
            text = handle.read()
        if label is not None and f"Client Request: {label}" not in text:
            continue
        for line in text.splitlines():
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
    return None


# -- the pytest plugin -------------------------------------------------------------------------


class Probe:
    def __init__(self, config: dict[str, Any]) -> None:
        self.config = config
        self.mode = config.get("mode", "callers")
        self.output = config["output"]
        self.counter = make_counter(
            config.get("counter", "none") if self.mode == "measure" else "none",
            config.get("callgrind_out", ""),
        )
        self.measuring = False
        self.current_test = ""
        self.calls: dict[str, int] = {}
        self.callers: dict[str, list[str]] = {}
        self.benchmarks: list[str] = []  # tests that use pytest-benchmark's fixture
        self.outcomes = {"passed": 0, "failed": 0, "skipped": 0}
        self.errors: list[str] = []
        self.ballast: list[bytearray] = []

    def wrap_targets(self) -> None:
        for target in self.config.get("targets", []):
            self.calls[target] = 0
            self.callers[target] = []
            try:
                install(target, functools.partial(self._wrapper, target))
            except LookupError as exc:
                self.errors.append(str(exc))

    def _wrapper(self, target: str, function: Callable[..., Any]) -> Callable[..., Any]:
        depth = [0]
        counter = self.counter
        inside = getattr(counter, "run_inside", None)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if depth[0] or not (self.measuring or self.mode == "callers"):
                return function(*args, **kwargs)
            depth[0] += 1
            self._note_call(target)
            try:
                if inside is not None:
                    return inside(lambda: function(*args, **kwargs))
                counter.enter()
                try:
                    return function(*args, **kwargs)
                finally:
                    counter.leave()
            finally:
                depth[0] -= 1

        return wrapper

    def _note_call(self, target: str) -> None:
        self.calls[target] += 1
        callers = self.callers[target]
        if self.current_test and self.current_test not in callers:
            callers.append(self.current_test)

    def begin_measured_pass(self) -> None:
        for key in self.calls:
            self.calls[key] = 0
        self.outcomes = dict.fromkeys(self.outcomes, 0)
        perturbation = int(self.config.get("perturbation", 0))
        self.ballast = [bytearray(16 + (i * 37) % 509) for i in range(perturbation * 1009)]
        gc.collect()
        gc.disable()
        self.counter.begin()
        self.measuring = True

    def end_measured_pass(self) -> int | None:
        self.measuring = False
        value = self.counter.end()
        gc.enable()
        return value

    def write(self, value: int | None) -> None:
        result = {
            "mode": self.mode,
            "calls": self.calls,
            "callers": self.callers,
            "benchmarks": self.benchmarks,
            "outcomes": self.outcomes,
            "errors": self.errors,
            "counter": {
                "name": self.counter.name,
                "unit": self.counter.unit,
                "impl": self.counter.impl,
            },
            "value": value,
            "fingerprint": fingerprint(self.counter, self.config.get("salt", "")),
        }
        tmp = self.output + ".tmp"
        with open(tmp, "w") as handle:
            json.dump(result, handle)
        os.replace(tmp, self.output)


def fingerprint(counter: Counter, salt: str) -> str:
    executable = os.path.realpath(sys.executable)
    size = os.path.getsize(executable) if os.path.exists(executable) else 0
    parts = [sys.version, executable, str(size), counter.name, counter.impl, salt]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


_probe: Probe | None = None


def pytest_configure(config: Any) -> None:
    global _probe
    path = os.environ.get(CONFIG_ENV)
    if not path:
        return
    with open(path) as handle:
        _probe = Probe(json.load(handle))
    _probe.wrap_targets()


def pytest_runtest_setup(item: Any) -> None:
    if _probe is not None:
        _probe.current_test = item.nodeid
        fixtures = getattr(item, "fixturenames", ())
        if "benchmark" in fixtures and item.nodeid not in _probe.benchmarks:
            _probe.benchmarks.append(item.nodeid)


def pytest_runtest_logreport(report: Any) -> None:
    if _probe is None:
        return
    if report.failed:
        _probe.outcomes["failed"] += 1
    elif report.when == "call" and report.passed:
        _probe.outcomes["passed"] += 1
    elif report.skipped:
        _probe.outcomes["skipped"] += 1


def pytest_runtestloop(session: Any) -> Any:
    """In measure mode: a warm-up pass over the selected tests, then the measured pass."""
    if _probe is None or _probe.mode != "measure" or session.config.option.collectonly:
        return None
    if session.testsfailed:
        return None  # collection errors: let pytest report them as usual
    _run_items(session)
    _probe.begin_measured_pass()
    try:
        _run_items(session)
    finally:
        _probe.write(_probe.end_measured_pass())
    return True


pytest_runtestloop.tryfirst = True  # type: ignore[attr-defined]


def _run_items(session: Any) -> None:
    items = session.items
    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        item.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
        if session.shouldfail or session.shouldstop:
            break


def pytest_sessionfinish(session: Any) -> None:
    if _probe is not None and _probe.mode == "callers":
        _probe.write(None)


# -- building the extension ----------------------------------------------------------------------


def build_extension(directory: str) -> str:
    """Compile ratchet_callgrind.c (next to this file, or in DIR) into DIR; returns the path."""
    here = os.path.dirname(os.path.abspath(__file__))
    source = next(
        p
        for p in (
            os.path.join(directory, "ratchet_callgrind.c"),
            os.path.join(here, "ratchet_callgrind.c"),
        )
        if os.path.exists(p)
    )
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    target = os.path.join(directory, "ratchet_callgrind" + suffix)
    include = sysconfig.get_paths()["include"]
    subprocess.run(
        ["gcc", "-O2", "-shared", "-fPIC", f"-I{include}", source, "-o", target], check=True
    )
    return target


if __name__ == "__main__":
    if sys.argv[1:2] == ["build-ext"] and len(sys.argv) == 3:
        print(build_extension(sys.argv[2]))
    else:
        sys.exit("usage: python ratchet_probe.py build-ext DIR")
