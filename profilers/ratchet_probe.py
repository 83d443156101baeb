"""Ratchet's probe: the one module that runs inside the target's test process.

Standard library only, Python 3.9 to 3.13, and a name no project uses, because it is copied into
the sandbox next to someone else's code. It is a pytest plugin (`-p ratchet_probe`) configured
by the JSON file named in $RATCHET_PROBE:

    {"mode": "callers" | "measure" | "suite" | "record",
     "targets": ["pkg.mod.func", "pkg.mod.Class.method"],
     "counter": "callgrind" | "perf" | "bytecode",   # measure mode
     "perturbation": 0,                               # measure mode: heap-state variant
     "salt": "...",                                   # mixed into the fingerprint
     "recording": "/abs/path/recording.pickle",       # record mode
     "max_calls": 200, "max_bytes": 4000000,          # record mode
     "output": "/abs/path/result.json"}

callers: wraps each target and records which tests call it, and how often.
measure: runs the selected tests twice in one process: a warm-up pass, then a measured pass with
    the heap perturbed, gc collected then disabled, and the counter running only inside the
    outermost calls of the target (recursion counted once). Writes the count, the number of calls,
    and test outcomes to `output`.
suite: each test's outcome, the number collected, pytest's exit status, and what was patched in
    the test framework or the process between configuration and the end of the session.
record: every outermost call of the first target: arguments before and after (pickled), the
    return value or exception, and what it printed; up to max_calls calls and max_bytes bytes.

Two script entries read a recording back, with the candidate already in the files:

    python ratchet_probe.py replay CONFIG.json     replays every recorded call and compares
    python ratchet_probe.py generate CONFIG.json   Hypothesis inputs, original against candidate

`python ratchet_probe.py build-ext DIR` compiles the callgrind client-request extension into DIR.
"""

from __future__ import annotations

import collections
import ctypes
import functools
import gc
import glob
import hashlib
import importlib
import inspect
import io
import json
import math
import os
import pickle
import platform
import reprlib
import signal
import struct
import subprocess
import sys
import sysconfig
import time
import traceback
import types
import typing
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
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


# -- describing and comparing values -------------------------------------------------------------

PICKLE_PROTOCOL = 4
REPR_LIMIT = 300
_MISSING = object()
_SCALARS = frozenset({int, bool, str, bytes, bytearray, type(None), range, type(Ellipsis)})
_SEQUENCES = (list, tuple, collections.deque)
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxstring, _REPR.maxother = 3, 200, 200
_REPR.maxlist = _REPR.maxtuple = _REPR.maxset = _REPR.maxfrozenset = _REPR.maxdeque = 12
_REPR.maxdict = 8


def type_name(value: Any) -> str:
    """`int` for builtins, `pkg.mod.Class` otherwise."""
    kind = type(value)
    module = getattr(kind, "__module__", "builtins")
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def short_repr(value: Any, limit: int = REPR_LIMIT) -> str:
    """A repr abbreviated inside (long lists and strings elided) and cut at `limit` characters."""
    try:
        text = _REPR.repr(value)
    except Exception as exc:
        text = f"<{type_name(value)} whose repr failed: {type(exc).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe_arguments(args: Any, kwargs: Any, limit: int = REPR_LIMIT) -> str:
    """The arguments as a call would show them: `('a', 2, key=3)`."""
    shown = [short_repr(a, 100) for a in args] + [
        f"{k}={short_repr(v, 100)}" for k, v in kwargs.items()
    ]
    text = "(" + ", ".join(shown) + ")"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def deep_diff(
    expected: Any, actual: Any, tolerance: float = 0.0, twins: dict[str, str] | None = None
) -> str | None:
    """None when the values are the same, else where and how they first differ.

    Same means: the same types (exactly, all the way down), lists and tuples item by item, dicts
    key by key in the same order, sets element by element, objects attribute by attribute
    (__dict__ and __slots__), floats exactly (NaN equals NaN, 0.0 is not -0.0) or within the
    relative `tolerance`, and == for everything else. `twins` maps one module name to another
    whose classes count as the same (the original module loaded under a private name).
    """
    try:
        return _diff(expected, actual, "", tolerance, twins or {}, set())
    except RecursionError:
        same = _equal(expected, actual)
        return None if same else "the values differ (nested too deeply to say where)"


def _diff(
    a: Any, b: Any, path: str, tol: float, twins: dict[str, str], seen: set[Any]
) -> str | None:
    if a is b:
        return None
    ta, tb = type(a), type(b)
    if ta is not tb and not _twin_types(ta, tb, twins):
        return f"{_at(path)}: expected a {type_name(a)}, got a {type_name(b)} ({short_repr(b, 80)})"
    if ta is float:
        return None if _same_float(a, b, tol) else _differ(path, a, b)
    if ta is complex:
        same = _same_float(a.real, b.real, tol) and _same_float(a.imag, b.imag, tol)
        return None if same else _differ(path, a, b)
    if ta in _SCALARS:
        return None if a == b else _differ(path, a, b)
    key = (id(a), id(b))
    if key in seen:
        return None
    seen.add(key)
    if isinstance(a, _SEQUENCES):
        found = _diff_sequence(a, b, path, tol, twins, seen)
    elif isinstance(a, dict):
        found = _diff_dict(a, b, path, tol, twins, seen)
    elif isinstance(a, (set, frozenset)):
        found = _diff_set(a, b, path, tol, twins, seen)
    elif isinstance(a, BaseException):
        found = _diff(a.args, b.args, f"{path}.args", tol, twins, seen)
    else:
        return _diff_object(a, b, path, tol, twins, seen)
    return found or _diff_state(a, b, path, tol, twins, seen, empty_is_equal=True)


def _diff_sequence(
    a: Any, b: Any, path: str, tol: float, twins: dict[str, str], seen: set[Any]
) -> str | None:
    if len(a) != len(b):
        return f"{_at(path)}: expected {len(a)} items, got {len(b)}: {short_repr(b, 120)}"
    for index, (x, y) in enumerate(zip(a, b)):  # noqa: B905 (3.9: no strict=)
        found = _diff(x, y, f"{path}[{index}]", tol, twins, seen)
        if found:
            return found
    return None


def _diff_dict(
    a: Any, b: Any, path: str, tol: float, twins: dict[str, str], seen: set[Any]
) -> str | None:
    missing = [k for k in a if k not in b]
    if missing:
        return f"{_at(path)}: key {short_repr(missing[0], 80)} is missing"
    extra = [k for k in b if k not in a]
    if extra:
        return f"{_at(path)}: unexpected key {short_repr(extra[0], 80)}"
    for index, (x, y) in enumerate(zip(a, b)):  # noqa: B905 (3.9: no strict=)
        if _diff(x, y, "", tol, twins, seen) is not None:
            return (
                f"{_at(path)}: the same keys in a different order: key #{index} is "
                f"{short_repr(y, 60)}, expected {short_repr(x, 60)}"
            )
    for k in a:
        found = _diff(a[k], b[k], f"{path}[{short_repr(k, 40)}]", tol, twins, seen)
        if found:
            return found
    return None


def _diff_set(
    a: Any, b: Any, path: str, tol: float, twins: dict[str, str], seen: set[Any]
) -> str | None:
    if len(a) != len(b):
        return f"{_at(path)}: expected {len(a)} elements, got {len(b)}: {short_repr(b, 120)}"
    partners = {y: y for y in b}
    for x in a:
        y = partners.get(x, _MISSING)
        if y is _MISSING:
            return f"{_at(path)}: {short_repr(x, 80)} is missing"
        found = _diff(x, y, f"{path}{{{short_repr(x, 40)}}}", tol, twins, seen)
        if found:
            return found
    return None


def _diff_object(
    a: Any, b: Any, path: str, tol: float, twins: dict[str, str], seen: set[Any]
) -> str | None:
    found = _diff_state(a, b, path, tol, twins, seen, empty_is_equal=False)
    if found != "":
        return found
    return None if _equal(a, b) else _differ(path, a, b)


def _diff_state(
    a: Any,
    b: Any,
    path: str,
    tol: float,
    twins: dict[str, str],
    seen: set[Any],
    *,
    empty_is_equal: bool,
) -> str | None:
    """Compare attributes; "" (not None) when neither has any and == should decide."""
    sa, sb = _state(a), _state(b)
    if not sa and not sb:
        return None if empty_is_equal else ""
    missing = [k for k in sa if k not in sb]
    if missing:
        return f"{_at(path)}: attribute {missing[0]} is missing"
    extra = [k for k in sb if k not in sa]
    if extra:
        return f"{_at(path)}: unexpected attribute {extra[0]}"
    for name in sa:
        found = _diff(sa[name], sb[name], f"{path}.{name}", tol, twins, seen)
        if found:
            return found
    return None


def _state(value: Any) -> dict[str, Any]:
    """An object's attributes: its __dict__ and its __slots__ (names as stored, mangled)."""
    try:
        attributes = object.__getattribute__(value, "__dict__")
    except (AttributeError, TypeError):
        attributes = None
    state = dict(attributes) if isinstance(attributes, dict) else {}
    for klass in type(value).__mro__:
        slots = vars(klass).get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name in ("__dict__", "__weakref__"):
                continue
            if name.startswith("__") and not name.endswith("__"):
                name = f"_{klass.__name__.lstrip('_')}{name}"
            state[name] = getattr(value, name, _MISSING)
    return state


def _twin_types(ta: type, tb: type, twins: dict[str, str]) -> bool:
    if ta.__qualname__ != tb.__qualname__:
        return False
    ma, mb = getattr(ta, "__module__", ""), getattr(tb, "__module__", "")
    return twins.get(ma) == mb or twins.get(mb) == ma


def _same_float(a: float, b: float, tol: float) -> bool:
    if a == b:
        return a != 0 or math.copysign(1.0, a) == math.copysign(1.0, b) or tol > 0
    if a != a and b != b:
        return True
    return tol > 0 and abs(a - b) <= tol * max(abs(a), abs(b))


def _equal(a: Any, b: Any) -> bool:
    try:
        return bool(a == b)
    except Exception:
        return short_repr(a, 10_000) == short_repr(b, 10_000)


def _at(path: str) -> str:
    return f"at {path}" if path else "the value"


def _differ(path: str, a: Any, b: Any) -> str:
    return f"{_at(path)}: expected {short_repr(a, 80)}, got {short_repr(b, 80)}"


# -- tamper evidence -----------------------------------------------------------------------------

# What a candidate could patch to make a test run look better than it was. Classes count with
# every entry of their own namespace (so `Function.runtest = ...` shows). Modules not imported
# when the snapshot is taken are left out.
TAMPER_POINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("sys", ("exit",)),
    ("os", ("_exit",)),
    (
        "builtins",
        (
            "__import__",
            "print",
            "open",
            "exec",
            "eval",
            "compile",
            "isinstance",
            "issubclass",
            "type",
            "repr",
            "len",
            "getattr",
            "hasattr",
            "id",
            "iter",
            "next",
        ),
    ),
    ("pytest", ("skip", "fail", "exit", "xfail", "importorskip")),
    (
        "_pytest.runner",
        (
            "call_and_report",
            "runtestprotocol",
            "pytest_runtest_call",
            "pytest_runtest_makereport",
            "call_runtest_hook",
            "check_interactive_exception",
            "CallInfo",
        ),
    ),
    ("_pytest.python", ("pytest_pyfunc_call", "Function")),
    ("_pytest.reports", ("TestReport", "BaseReport", "CollectReport")),
    (
        "_pytest.outcomes",
        (
            "skip",
            "fail",
            "exit",
            "xfail",
            "importorskip",
            "OutcomeException",
            "Skipped",
            "Failed",
            "Exit",
            "XFailed",
        ),
    ),
    (
        "_pytest.skipping",
        ("pytest_runtest_makereport", "evaluate_xfail_marks", "evaluate_skip_marks"),
    ),
    ("_pytest.main", ("Session", "wrap_session", "pytest_runtestloop")),
    ("pluggy._callers", ("_multicall",)),
    ("pluggy._hooks", ("HookCaller", "HookImpl")),
    ("pluggy._manager", ("PluginManager",)),
)


def tamper_points(namespace: dict[str, Any], own: list[str] | None = None) -> dict[str, Any]:
    """label -> object for everything in TAMPER_POINTS, plus the functions and classes that
    `namespace` (this module's globals) defines, or whatever now sits at the names in `own`."""
    points: dict[str, Any] = {}
    for module_name, names in TAMPER_POINTS:
        module = sys.modules.get(module_name)
        if module is None:
            continue
        for name in names:
            _add_point(points, f"{module_name}.{name}", vars(module).get(name, _MISSING))
    if own is None:
        here = namespace.get("__name__")
        own = [
            name
            for name, value in list(namespace.items())
            if (inspect.isfunction(value) or isinstance(value, type)) and value.__module__ == here
        ]
    for name in own:
        _add_point(points, f"ratchet_probe.{name}", namespace.get(name, _MISSING))
    return points


def _add_point(points: dict[str, Any], label: str, value: Any) -> None:
    points[label] = value
    if isinstance(value, type):
        for attribute, raw in list(vars(value).items()):
            points[f"{label}.{attribute}"] = raw


def tampered_since(before: dict[str, Any], namespace: dict[str, Any]) -> list[str]:
    """A sentence for each point replaced or removed since `before` (a class, not its members)."""
    own = [label.split(".")[1] for label in before if label.startswith("ratchet_probe.")]
    after = tamper_points(namespace, list(dict.fromkeys(own)))
    found: list[str] = []
    reported: list[str] = []
    for label in sorted(before):
        now = after.get(label, _MISSING)
        if now is before[label] or any(label.startswith(r + ".") for r in reported):
            continue
        reported.append(label)
        how = "was removed" if now is _MISSING else f"was replaced by {short_repr(now, 80)}"
        found.append(f"{label} {how}")
    return found


# -- the suite: per-test outcomes --------------------------------------------------------------


class SuiteWatch:
    """Each test's outcome, the number collected, the exit status, and what was tampered with."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.output = settings["output"]
        self.outcomes: dict[str, str] = {}
        self.collected = 0
        self.interrupted: str | None = None  # pytest.exit or KeyboardInterrupt ended the session
        self.before = tamper_points(globals())

    def note(self, report: Any) -> None:
        nodeid, when = report.nodeid, report.when
        xfail = hasattr(report, "wasxfail")
        if when == "call":
            if xfail:
                outcome = "xfailed" if report.skipped else "xpassed" if report.passed else "failed"
            else:
                outcome = report.outcome
            if self.outcomes.get(nodeid) != "error":
                self.outcomes[nodeid] = outcome
        elif report.failed:
            self.outcomes[nodeid] = "error"
        elif report.skipped and when == "setup":
            self.outcomes[nodeid] = "xfailed" if xfail else "skipped"

    def note_collection(self, report: Any) -> None:
        if report.failed:
            self.outcomes[report.nodeid or "<collection>"] = "error"

    def finish(self, exitstatus: int) -> None:
        result = {
            "mode": "suite",
            "finished": self.interrupted is None,
            "interrupted": self.interrupted,
            "outcomes": self.outcomes,
            "collected": self.collected,
            "exitstatus": exitstatus,
            "tampered": tampered_since(self.before, globals()),
        }
        write_json(self.output, result)


def write_json(path: str, value: Any) -> None:
    tmp = path + ".tmp"
    with open(tmp, "w") as handle:
        json.dump(value, handle)
    os.replace(tmp, path)


# -- the recorder: every outermost call, pickled -----------------------------------------------


def freeze(value: Any) -> bytes | None:
    try:
        return pickle.dumps(value, protocol=PICKLE_PROTOCOL)
    except Exception:
        return None


def freeze_arguments(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[bytes | None, list[dict[str, str]]]:
    """The pickled (args, kwargs), or None and a marker for each argument that cannot be pickled."""
    frozen = freeze((args, kwargs))
    if frozen is not None:
        return frozen, []
    markers = []
    for key, value in [*((str(i), a) for i, a in enumerate(args)), *kwargs.items()]:
        try:
            pickle.dumps(value, protocol=PICKLE_PROTOCOL)
        except Exception as exc:
            reason = f"{type(exc).__name__}: {exc}"[:200]
            markers.append({"argument": key, "type": type_name(value), "reason": reason})
    if not markers:
        markers.append({"argument": "*", "type": "tuple", "reason": "the arguments together"})
    return None, markers


def argument_types(args: tuple[Any, ...], kwargs: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        *((str(i), type_name(a)) for i, a in enumerate(args)),
        *((k, type_name(v)) for k, v in kwargs.items()),
    ]


class Recorder:
    """Wraps the target and keeps each outermost call, within max_calls and max_bytes."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        self.target: str = settings["targets"][0]
        self.max_calls = int(settings.get("max_calls", 200))
        self.max_bytes = int(settings.get("max_bytes", 4_000_000))
        self.calls: list[dict[str, Any]] = []
        self.seen = 0
        self.size = 0
        self.cap: str | None = None
        self.errors: list[str] = []  # the recording cannot be taken
        self.warnings: list[str] = []  # single calls that could not be recorded
        self.failed = 0
        self.current_test = ""
        self.parameters: list[str] = []

    def wrap_targets(self) -> None:
        try:
            install(self.target, self._wrapper)
        except LookupError as exc:
            self.errors.append(str(exc))

    def _wrapper(self, function: Callable[..., Any]) -> Callable[..., Any]:
        depth = [0]
        with suppress(TypeError, ValueError):
            self.parameters = list(inspect.signature(function).parameters)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if depth[0]:
                return function(*args, **kwargs)
            depth[0] += 1
            try:
                return self.observe(function, args, kwargs)
            finally:
                depth[0] -= 1

        return wrapper

    def observe(
        self, function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> Any:
        index = self.seen
        self.seen += 1
        if self.cap is None and len(self.calls) >= self.max_calls:
            self.cap = "max_calls"
        if self.cap is not None:
            return function(*args, **kwargs)
        before, markers = freeze_arguments(args, kwargs)
        real, buffer = sys.stdout, io.StringIO()
        outcome: tuple[str, Any] = ("exception", None)
        sys.stdout = buffer
        start = time.perf_counter()
        try:
            value = function(*args, **kwargs)
            outcome = ("return", value)
        except BaseException as exc:
            outcome = ("exception", exc)
            raise
        finally:
            duration = time.perf_counter() - start
            if sys.stdout is buffer:
                sys.stdout = real
            printed = buffer.getvalue()
            if printed:
                real.write(printed)
            try:
                self.keep(index, args, kwargs, before, markers, outcome, printed, duration)
            except Exception as exc:  # the recorder must never change what the test sees
                self.warnings.append(f"recording call {index} failed: {type(exc).__name__}: {exc}")
        return value

    def keep(
        self,
        index: int,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        before: bytes | None,
        markers: list[dict[str, str]],
        outcome: tuple[str, Any],
        printed: str,
        duration: float,
    ) -> None:
        kind, value = outcome
        call: dict[str, Any] = {
            "index": index,
            "test": self.current_test,
            "args": before,
            "after": freeze((args, kwargs)) if before is not None else None,
            "markers": markers,
            "types": argument_types(args, kwargs),
            "outcome": kind,
            "value": freeze(value) if kind == "return" else None,
            "value_type": type_name(value) if kind == "return" else None,
            "exception": exception_summary(value) if kind == "exception" else None,
            "stdout": printed,
            "duration": duration,
            "replayable": before is not None,
            "reason": None if before is not None else "an argument cannot be pickled",
        }
        size = sum(len(call[k] or b"") for k in ("args", "after", "value")) + len(printed)
        if self.size + size > self.max_bytes:
            self.cap = "max_bytes"
            return
        self.size += size
        self.calls.append(call)

    def write(self) -> None:
        root = os.path.realpath(os.getcwd())
        relative = []
        for entry in sys.path:
            path = os.path.realpath(entry or os.getcwd())
            if path == root or path.startswith(root + os.sep):
                relative.append(os.path.relpath(path, root))
        recording = {
            "version": 1,
            "target": self.target,
            "calls": self.calls,
            "seen": self.seen,
            "cap": self.cap,
            "max_calls": self.max_calls,
            "max_bytes": self.max_bytes,
            "parameters": self.parameters,
            "sys_path": list(dict.fromkeys(relative)),
        }
        with open(self.settings["recording"], "wb") as handle:
            pickle.dump(recording, handle, protocol=PICKLE_PROTOCOL)
        write_json(
            self.settings["output"],
            {
                "mode": "record",
                "seen": self.seen,
                "kept": len(self.calls),
                "unreplayable": sum(not c["replayable"] for c in self.calls),
                "cap": self.cap,
                "bytes": self.size,
                "errors": self.errors,
                "warnings": self.warnings[:5],
                "failed": self.failed,
                "argument_types": summarize_types(self.calls, self.parameters),
            },
        )


def exception_summary(exc: BaseException) -> list[str]:
    try:
        message = str(exc)
    except Exception as error:
        message = f"<str() failed: {type(error).__name__}>"
    return [type(exc).__qualname__, message]


def summarize_types(calls: list[dict[str, Any]], parameters: list[str]) -> list[str]:
    """`text: str` or `0: int | float` for each argument, most frequent type first."""
    seen: dict[str, dict[str, int]] = {}
    for call in calls:
        for key, name in call["types"]:
            counts = seen.setdefault(key, {})
            counts[name] = counts.get(name, 0) + 1
    lines = []
    for key, counts in seen.items():
        label = parameters[int(key)] if key.isdigit() and int(key) < len(parameters) else key
        names = sorted(counts, key=lambda n: -counts[n])
        lines.append(f"{label}: {' | '.join(names)}")
    return lines


# -- the pytest hooks --------------------------------------------------------------------------

_probe: Probe | None = None
_suite: SuiteWatch | None = None
_recorder: Recorder | None = None


def pytest_configure(config: Any) -> None:
    global _probe, _suite, _recorder
    path = os.environ.get(CONFIG_ENV)
    if not path:
        return
    with open(path) as handle:
        settings = json.load(handle)
    mode = settings.get("mode", "callers")
    if mode == "suite":
        with suppress(OSError):  # nothing the tests run can read where the result goes
            os.remove(path)
        _suite = SuiteWatch(settings)
    elif mode == "record":
        _recorder = Recorder(settings)
        _recorder.wrap_targets()
    else:
        _probe = Probe(settings)
        _probe.wrap_targets()


def pytest_runtest_setup(item: Any) -> None:
    if _recorder is not None:
        _recorder.current_test = item.nodeid
    if _probe is not None:
        _probe.current_test = item.nodeid
        fixtures = getattr(item, "fixturenames", ())
        if "benchmark" in fixtures and item.nodeid not in _probe.benchmarks:
            _probe.benchmarks.append(item.nodeid)


def pytest_runtest_logreport(report: Any) -> None:
    if _suite is not None:
        _suite.note(report)
    if _recorder is not None and report.failed:
        _recorder.failed += 1
    if _probe is None:
        return
    if report.failed:
        _probe.outcomes["failed"] += 1
    elif report.when == "call" and report.passed:
        _probe.outcomes["passed"] += 1
    elif report.skipped:
        _probe.outcomes["skipped"] += 1


def pytest_collectreport(report: Any) -> None:
    if _suite is not None:
        _suite.note_collection(report)


def pytest_keyboard_interrupt(excinfo: Any) -> None:
    """Called for KeyboardInterrupt and for pytest.exit (whatever return code it asks for)."""
    if _suite is not None:
        _suite.interrupted = short_repr(excinfo.value)


def pytest_collection_finish(session: Any) -> None:
    if _suite is not None:
        _suite.collected = len(session.items)


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


def pytest_sessionfinish(session: Any, exitstatus: Any) -> None:
    if _probe is not None and _probe.mode == "callers":
        _probe.write(None)
    if _suite is not None:
        _suite.finish(int(exitstatus))
    if _recorder is not None:
        _recorder.write()


pytest_sessionfinish.tryfirst = True  # type: ignore[attr-defined]


# -- replaying calls -----------------------------------------------------------------------------

MAX_MISMATCHES = 5


class CallTimeout(BaseException):
    """A replayed call ran past its time limit (a BaseException, so `except Exception` misses it)."""


class Different(Exception):
    """A generated input on which the candidate and the original differ."""


class TargetImportError(Exception):
    """The target could not be imported; the message says why, with the file and line."""


class Outcome:
    """What one call did: returned or raised (or ran out of time), its arguments after, its output."""

    __slots__ = ("after", "duration", "error", "kind", "stdout", "value", "value_type")

    def __init__(self, kind: str) -> None:
        self.kind = kind  # "return" | "exception" | "timeout"
        self.value: Any = None
        self.value_type: str | None = None
        self.error: tuple[str, str] | None = None  # (type qualname, message)
        self.after: tuple[Any, Any] | None = None  # (args, kwargs) after the call
        self.stdout = ""
        self.duration = 0.0


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise CallTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_call(function: Callable[..., Any], blob: bytes, timeout: float) -> Outcome:
    """Call `function` on a fresh copy of the pickled (args, kwargs), capturing its stdout.

    LookupError-free: pickle errors come out as ValueError("cannot load the arguments: ...")."""
    try:
        args, kwargs = pickle.loads(blob)
    except Exception as exc:
        raise ValueError(f"cannot load the arguments: {type(exc).__name__}: {exc}") from None
    outcome = Outcome("return")
    real, buffer = sys.stdout, io.StringIO()
    start = time.perf_counter()
    try:
        sys.stdout = buffer
        with time_limit(timeout):
            try:
                outcome.value = function(*args, **kwargs)
            except CallTimeout:
                raise
            except BaseException as exc:
                kind, message = exception_summary(exc)
                outcome.kind, outcome.error = "exception", (kind, message)
    except CallTimeout:
        outcome.kind, outcome.error = "timeout", ("timeout", f"{timeout:g}s")
    finally:
        sys.stdout = real
    outcome.duration = time.perf_counter() - start
    outcome.stdout = buffer.getvalue()
    outcome.after = (args, kwargs)
    if outcome.kind == "return":
        outcome.value_type = type_name(outcome.value)
    return outcome


def recorded_outcome(call: dict[str, Any]) -> Outcome:
    """The recorded call as an Outcome; its values are unpickled only now, after the replay."""
    outcome = Outcome(call["outcome"])
    outcome.error = (call["exception"][0], call["exception"][1]) if call["exception"] else None
    outcome.value_type = call["value_type"]
    outcome.stdout = call["stdout"]
    outcome.value = _load(call["value"]) if call["outcome"] == "return" else None
    after = _load(call["after"])
    outcome.after = None if after is _MISSING else after
    return outcome


def _load(blob: bytes | None) -> Any:
    if blob is None:
        return _MISSING
    try:
        return pickle.loads(blob)
    except Exception:
        return _MISSING


def describe_outcome(outcome: Outcome) -> str:
    if outcome.kind == "return":
        if outcome.value is _MISSING:
            return f"returned a {outcome.value_type} (not picklable, so compared by type only)"
        return "returned " + short_repr(outcome.value)
    if outcome.kind == "timeout":
        return f"did not return within {outcome.error[1] if outcome.error else '?'}"
    kind, message = outcome.error or ("?", "")
    return short_repr(f"raised {kind}: {message}")[1:-1] if message else f"raised {kind}"


def compare_outcomes(
    expected: Outcome,
    actual: Outcome,
    tolerance: float,
    twins: dict[str, str],
    parameters: list[str],
) -> tuple[str, str, str, str] | None:
    """(aspect, expected, actual, where) for the first aspect that differs, or None."""
    if expected.kind != "return" or actual.kind != "return":
        if (expected.kind, expected.error) != (actual.kind, actual.error):
            return "exception", describe_outcome(expected), describe_outcome(actual), ""
    elif expected.value is _MISSING:
        if expected.value_type != actual.value_type:
            return "return", describe_outcome(expected), f"returned a {actual.value_type}", ""
    else:
        where = deep_diff(expected.value, actual.value, tolerance, twins)
        if where is not None:
            return "return", describe_outcome(expected), describe_outcome(actual), where
    if expected.after is not None and actual.after is not None:
        where = diff_arguments(expected.after, actual.after, tolerance, twins, parameters)
        if where is not None:
            shown = describe_arguments(*expected.after), describe_arguments(*actual.after)
            return "mutation", shown[0], shown[1], where
    if expected.stdout != actual.stdout:
        where = first_difference(expected.stdout, actual.stdout)
        return "stdout", short_repr(expected.stdout), short_repr(actual.stdout), where
    return None


def diff_arguments(
    expected: tuple[Any, Any],
    actual: tuple[Any, Any],
    tolerance: float,
    twins: dict[str, str],
    parameters: list[str],
) -> str | None:
    (e_args, e_kwargs), (a_args, a_kwargs) = expected, actual
    pairs = [
        *(
            (parameters[i] if i < len(parameters) else f"argument {i}", x, y)
            for i, (x, y) in enumerate(zip(e_args, a_args))  # noqa: B905
        ),
        *((k, e_kwargs[k], a_kwargs.get(k, _MISSING)) for k in e_kwargs),
    ]
    for name, x, y in pairs:
        where = deep_diff(x, y, tolerance, twins)
        if where is not None:
            return f"{name}: {where}"
    return None


def first_difference(expected: str, actual: str) -> str:
    index = next(
        (i for i, (x, y) in enumerate(zip(expected, actual)) if x != y),  # noqa: B905
        min(len(expected), len(actual)),
    )
    return (
        f"from character {index}: expected {short_repr(expected[index : index + 40])}, "
        f"got {short_repr(actual[index : index + 40])}"
    )


def mismatch(
    index: int, test: str, arguments: str, found: tuple[str, str, str, str]
) -> dict[str, Any]:
    aspect, expected, actual, where = found
    return {
        "index": index,
        "test": test,
        "aspect": aspect,
        "arguments": arguments,
        "expected": short_repr(expected)[1:-1] if len(expected) > REPR_LIMIT else expected,
        "actual": short_repr(actual)[1:-1] if len(actual) > REPR_LIMIT else actual,
        "where": where[:REPR_LIMIT],
    }


def import_target(qualname: str) -> tuple[Callable[..., Any], str, list[str]]:
    """(function, its module's name, the attribute path inside the module); errors carry a
    sentence with the file and line where importing failed."""
    parts = qualname.split(".")
    try:
        for split in range(len(parts) - 1, 0, -1):
            name = ".".join(parts[:split])
            try:
                importlib.import_module(name)
            except ModuleNotFoundError as exc:
                missing = exc.name or ""
                if missing and (name == missing or name.startswith(missing + ".")):
                    continue
                raise
            break
        owner, _, raw = resolve(qualname)
    except BaseException as exc:
        raise TargetImportError(f"importing {qualname} failed: {describe_exception(exc)}") from None
    function = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
    module = owner.__name__ if isinstance(owner, types.ModuleType) else owner.__module__
    return function, module, qualname[len(module) + 1 :].split(".")


def describe_exception(exc: BaseException) -> str:
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip().replace("\n", " ")
    frames = traceback.extract_tb(exc.__traceback__)
    inside = [f for f in frames if os.path.realpath(f.filename).startswith(os.getcwd())]
    where = inside[-1] if inside else (frames[-1] if frames else None)
    if where is not None:
        text += f" (at {os.path.relpath(where.filename)}:{where.lineno})"
    return text[:1000]


def load_recording(path: str) -> dict[str, Any]:
    """The recording, read into memory and deleted from disk before any candidate code runs."""
    with open(path, "rb") as handle:
        recording: dict[str, Any] = pickle.load(handle)
    os.remove(path)
    return recording


def prepare_sys_path(recording: dict[str, Any]) -> None:
    """The workspace's import paths as the tests had them (pytest inserts its rootdirs)."""
    root = os.getcwd()
    for entry in reversed(recording.get("sys_path", [])):
        path = os.path.normpath(os.path.join(root, entry))
        if path not in sys.path:
            sys.path.insert(0, path)
    if root not in sys.path:
        sys.path.insert(0, root)


def replay_calls(config: dict[str, Any], recording: dict[str, Any], result: dict[str, Any]) -> None:
    """Replay every replayable call in order; with self_check, twice, and rewrite the recording
    with the calls that did not reproduce (or could not be loaded) marked unreplayable."""
    function, _, _ = import_target(recording["target"])
    tolerance = float(config.get("float_tolerance", 0.0))
    limit = float(config.get("call_timeout", 10.0))
    parameters = recording.get("parameters", [])
    problems: dict[int, str] = {}
    passes = 2 if config.get("self_check") else 1
    for number in range(passes):
        for call in recording["calls"]:
            if not call["replayable"] or call["index"] in problems:
                result["skipped"] += number == 0
                continue
            try:
                actual = run_call(function, call["args"], max(limit, 20 * call["duration"]))
            except ValueError as exc:
                problems[call["index"]] = f"{exc} outside the test run"
                result["skipped"] += 1
                continue
            result["replayed"] += number == 0
            found = compare_outcomes(recorded_outcome(call), actual, tolerance, {}, parameters)
            if found is None:
                continue
            problems[call["index"]] = (
                f"not reproducible: the {found[0]} differed on replay ({found[3] or found[2]})"
            )
            if number == 0:
                result["total"] += 1
                if len(result["mismatches"]) < MAX_MISMATCHES:
                    arguments = _arguments_of(call)
                    result["mismatches"].append(
                        mismatch(call["index"], call["test"], arguments, found)
                    )
    if config.get("rewrite"):
        for call in recording["calls"]:
            if call["index"] in problems:
                call["replayable"], call["reason"] = False, problems[call["index"]]
        with open(config["rewrite"], "wb") as handle:
            pickle.dump(recording, handle, protocol=PICKLE_PROTOCOL)
        result["dropped"] = sum(p.startswith("not reproducible") for p in problems.values())
        result["unreplayable"] = sum(not c["replayable"] for c in recording["calls"])


def _arguments_of(call: dict[str, Any]) -> str:
    loaded = _load(call["args"])
    return "(?)" if loaded is _MISSING else describe_arguments(*loaded)


def run_script(command: str, config_path: str) -> None:
    """The replay and generate entries: always write a result, then leave without atexit hooks."""
    check, snapshot, write, namespace = tampered_since, tamper_points, write_json, globals()
    with open(config_path) as handle:
        config = json.load(handle)
    os.remove(config_path)
    result: dict[str, Any] = {
        "mode": command,
        "replayed": 0,
        "skipped": 0,
        "mismatches": [],
        "total": 0,
    }
    result.update(error=None, note=None)
    before = snapshot(namespace)
    try:
        recording = load_recording(config["recording"])
        prepare_sys_path(recording)
        (replay_calls if command == "replay" else generate_calls)(config, recording, result)
    except TargetImportError as exc:
        result["error"] = str(exc)
    except BaseException as exc:
        result["error"] = f"the {command} stopped: {describe_exception(exc)}"
    tampered = check(before, namespace)
    if tampered:
        result["error"] = (
            "the candidate changed the checking code or the interpreter: " + "; ".join(tampered[:5])
        )
    write(config["output"], result)
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with suppress(Exception):
            stream.flush()  # type: ignore[union-attr]
    os._exit(0)


# -- generating calls (Hypothesis, imported only here) -----------------------------------------

ORIGINAL_PREFIX = "_ratchet_original_"
_PLAIN_HINTS = (int, float, str, bytes, bool, type(None))


def load_original(path: str, module_name: str) -> types.ModuleType:
    """The original module's source, executed as a sibling of the candidate module under a
    private name: relative imports and __file__ resolve as they did for the original."""
    candidate = sys.modules[module_name]
    package = candidate.__package__ or ""
    leaf = module_name.rpartition(".")[2]
    private = f"{package}.{ORIGINAL_PREFIX}{leaf}" if package else ORIGINAL_PREFIX + leaf
    module = types.ModuleType(private)
    module.__file__ = getattr(candidate, "__file__", None) or path
    module.__package__ = package
    sys.modules[private] = module
    with open(path, "rb") as handle:
        source = handle.read()
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def follow(module: types.ModuleType, attributes: list[str]) -> Callable[..., Any]:
    owner: Any = module
    for name in attributes[:-1]:
        owner = getattr(owner, name)
    raw = vars(owner)[attributes[-1]]
    return raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw


def strategy_for(values: list[Any], st: Any, depth: int = 0) -> Any:
    """A strategy drawing values like `values` (builtin types, nested), or None."""
    groups: dict[type, list[Any]] = {}
    for value in values[:500]:
        groups.setdefault(type(value), []).append(value)
    options = [
        s
        for kind, group in groups.items()
        if (s := _strategy_for_kind(kind, group, st, depth)) is not None
    ]
    return st.one_of(options) if options else None


def _strategy_for_kind(kind: type, group: list[Any], st: Any, depth: int) -> Any:
    if kind is bool:
        return st.booleans()
    if kind is int:
        bound = max(10, 2 * max(abs(v) for v in group))
        return st.integers(-bound, bound)
    if kind is float:
        bound = max(10.0, 2 * max((abs(v) for v in group if math.isfinite(v)), default=0.0))
        special = [x for x in (math.inf, -math.inf) if x in group] + [math.nan] * any(
            v != v for v in group
        )
        finite = st.floats(-bound, bound)
        return st.one_of(finite, st.sampled_from(special)) if special else finite
    if kind in (str, bytes):
        size = min(100, max(10, 2 * max(len(v) for v in group)))
        if kind is bytes:
            return st.binary(max_size=size)
        letters = sorted(set("".join(v[:1000] for v in group[:50])))[:200]
        generic = st.text(max_size=size)
        return (
            st.one_of(st.text(alphabet=st.sampled_from(letters), max_size=size), generic)
            if letters
            else generic
        )
    if kind is type(None):
        return st.none()
    if depth >= 3 or kind not in (list, tuple, dict, set, frozenset):
        return None
    size = min(20, max(5, 2 * max(len(v) for v in group)))
    if kind is dict:
        keys = strategy_for([k for v in group[:50] for k in list(v)[:200]], st, depth + 1)
        items = strategy_for([x for v in group[:50] for x in list(v.values())[:200]], st, depth + 1)
        return (
            None if keys is None or items is None else st.dictionaries(keys, items, max_size=size)
        )
    lengths = {len(v) for v in group}
    if kind is tuple and len(lengths) == 1 and group[0]:
        parts = [strategy_for([v[i] for v in group], st, depth + 1) for i in range(len(group[0]))]
        return None if any(p is None for p in parts) else st.tuples(*parts)
    elements = strategy_for([x for v in group[:50] for x in list(v)[:200]], st, depth + 1)
    if elements is None:
        return None
    make = {list: st.lists, tuple: st.lists, set: st.sets, frozenset: st.frozensets}[kind]
    drawn = make(elements, max_size=size)
    return drawn.map(tuple) if kind is tuple else drawn


def hint_strategy(hint: Any, st: Any) -> Any:
    """st.from_type for annotations made of builtin types only, else None."""
    if not _plain_hint(hint):
        return None
    try:
        return st.from_type(hint)
    except Exception:
        return None


def _plain_hint(hint: Any) -> bool:
    if hint in _PLAIN_HINTS:
        return True
    origin = typing.get_origin(hint)
    unions = (typing.Union, getattr(types, "UnionType", typing.Union))
    containers = (
        list,
        tuple,
        dict,
        set,
        frozenset,
        collections.abc.Sequence,
        collections.abc.Mapping,
    )
    if origin in containers or origin in unions:
        return all(a is Ellipsis or _plain_hint(a) for a in typing.get_args(hint))
    return False


def annotations_of(function: Callable[..., Any]) -> tuple[dict[str, Any], list[inspect.Parameter]]:
    try:
        hints = typing.get_type_hints(function)
    except Exception:
        hints = {}
    try:
        parameters = list(inspect.signature(function).parameters.values())
    except (TypeError, ValueError):
        parameters = []
    return hints, parameters


def call_strategy(recording: dict[str, Any], function: Callable[..., Any], st: Any) -> Any:
    """(args, kwargs) like the recorded calls, shape by shape; from annotations when none."""
    shapes: dict[tuple[int, tuple[str, ...]], list[tuple[Any, Any]]] = {}
    for call in recording["calls"]:
        loaded: Any = _load(call["args"]) if call["replayable"] else _MISSING
        if loaded is not _MISSING:
            args, kwargs = loaded
            shapes.setdefault((len(args), tuple(sorted(kwargs))), []).append((args, kwargs))
    hints, parameters = annotations_of(function)
    names = [p.name for p in parameters]
    options = []
    for (count, keys), samples in shapes.items():
        positional = [
            _argument_strategy(
                [a[i] for a, _ in samples], hints.get(names[i]) if i < len(names) else None, st
            )
            for i in range(count)
        ]
        keyword = {
            k: _argument_strategy([kw[k] for _, kw in samples], hints.get(k), st) for k in keys
        }
        options.append(st.tuples(st.tuples(*positional), st.fixed_dictionaries(keyword)))
    if options:
        return st.one_of(options)
    required = [
        p
        for p in parameters
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    drawn = [hint_strategy(hints.get(p.name), st) for p in required]
    if not required or any(s is None for s in drawn):
        return None
    return st.tuples(st.tuples(*drawn), st.just({}))


def _argument_strategy(values: list[Any], hint: Any, st: Any) -> Any:
    inferred = strategy_for(values, st)
    if inferred is None and hint is not None:
        inferred = hint_strategy(hint, st)
    distinct: dict[bytes, Any] = {}
    for value in values:
        blob = freeze(value)
        if blob is not None and len(distinct) < 30:
            distinct.setdefault(blob, value)
    recorded = st.sampled_from(list(distinct.values()) or values[:30])
    return st.one_of(inferred, recorded) if inferred is not None else recorded


def stable_outcome(
    original: Callable[..., Any],
    blob: bytes | None,
    limit: float,
    tolerance: float,
    parameters: list[str],
) -> tuple[bytes, Outcome] | None:
    """What the original does on the input, if it does it twice the same way within the limit."""
    if blob is None:
        return None
    first = run_call(original, blob, limit)
    if first.kind == "timeout":
        return None
    again = run_call(original, blob, limit)
    return None if compare_outcomes(first, again, tolerance, {}, parameters) else (blob, first)


def generate_calls(
    config: dict[str, Any], recording: dict[str, Any], result: dict[str, Any]
) -> None:
    """Draw inputs, run the original and the candidate on copies of each, stop at the first
    difference and let Hypothesis shrink it; inputs on which the original is unstable or too
    slow are skipped."""
    from hypothesis import HealthCheck, Phase, given, reject, settings
    from hypothesis import strategies as st

    candidate, module_name, attributes = import_target(recording["target"])
    original_module = load_original(config["original"], module_name)
    original = follow(original_module, attributes)
    twins = {original_module.__name__: module_name}
    strategy = call_strategy(recording, candidate, st)
    if strategy is None:
        result["note"] = (
            "no input could be generated: no replayable recorded call and no annotations of builtin types"
        )
        return
    tolerance = float(config.get("float_tolerance", 0.0))
    seconds = float(config.get("seconds", 5.0))
    limit = float(config.get("call_timeout", 2.0))
    parameters = recording.get("parameters", [])
    stop, hard_stop = time.monotonic() + seconds, time.monotonic() + 2 * seconds
    state: dict[str, Any] = {"examples": 0, "skipped": 0, "first": None, "found": None}

    def check(drawn: tuple[tuple[Any, ...], dict[str, Any]]) -> None:
        searching = state["first"] is None
        if time.monotonic() > (stop if searching else hard_stop):
            return
        expected = stable_outcome(original, freeze(drawn), limit, tolerance, parameters)
        if expected is None:
            state["skipped"] += searching
            reject()
            return
        blob, before = expected
        actual = run_call(candidate, blob, max(limit, 10 * before.duration))
        state["examples"] += searching
        found = compare_outcomes(before, actual, tolerance, twins, parameters)
        if found is not None:
            state["first"] = state["examples"] if searching else state["first"]
            state["found"] = (drawn, found)
            raise Different()

    run = settings(
        max_examples=int(config.get("max_examples", 200)),
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )(given(strategy)(check))
    try:
        run()
    except BaseException as exc:  # Different, or Hypothesis giving up (unsatisfiable, flaky)
        if state["found"] is None:
            result["note"] = f"Hypothesis stopped early: {type(exc).__name__}: {str(exc)[:300]}"
    result["replayed"], result["skipped"] = state["examples"], state["skipped"]
    if state["found"] is not None:
        drawn, found = state["found"]
        result["total"] = 1
        result["mismatches"] = [mismatch(state["first"], "", describe_arguments(*drawn), found)]


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
    elif sys.argv[1:2] in (["replay"], ["generate"]) and len(sys.argv) == 3:
        run_script(sys.argv[1], sys.argv[2])
    else:
        sys.exit("usage: python ratchet_probe.py build-ext DIR | replay CONFIG | generate CONFIG")
