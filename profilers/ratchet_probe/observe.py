"""What one call does, as plain data sent out of the process for the host to compare.

`observe_call(function, blob, timeout, module)` calls the function on a fresh copy of its pickled
arguments and returns everything a caller can see: the return value or the exception (type and
message), the arguments afterwards, identity between the result and the arguments, stdout,
stderr, warnings, log records, and the interpreter-global state the call changed (random state,
decimal context, locale, environment, working directory, sys.path, signal handlers, the module's
globals). The probe never compares: expected outputs do not enter this process.

`snapshot(value)` is a value as a tree of lists: `[kind, type name, ...]`, containers with their
children, objects with their attributes, mutable objects seen twice as `["ref", n]` (so returning
the caller's own list differs from returning an equal new one), floats as float.hex so the host
can apply a tolerance, and anything else by its repr with memory addresses blanked.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import pickle
import random
import re
import signal
import sys
import time
import warnings
from collections import deque
from collections.abc import Callable
from types import BuiltinFunctionType, FunctionType, MethodType, ModuleType
from typing import Any

from .calls import CallTimeout, time_limit
from .values import exception_summary, short_repr, type_name

MAX_DEPTH = 60
MAX_TREE = 16_000  # characters of a tree sent whole; a larger one goes as its digest
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
_MUTABLE = (list, dict, set, bytearray, deque)
_OPAQUE = (type, FunctionType, BuiltinFunctionType, MethodType, ModuleType)


def snapshot(value: Any) -> list[Any]:
    return _Walker().tree(value, 0)


def digest(tree: Any) -> str:
    return hashlib.sha256(ascii(tree).encode()).hexdigest()[:32]


def sized(tree: list[Any]) -> list[Any]:
    """The tree, or `["digest", sha]` when it is too large to send whole."""
    text = ascii(tree)
    if len(text) <= MAX_TREE:
        return tree
    return ["digest", hashlib.sha256(text.encode()).hexdigest()[:32], len(text)]


class _Walker:
    def __init__(self) -> None:
        self.refs: dict[int, int] = {}
        self.alive: list[Any] = []  # ids stay unique while the walk holds every object

    def tree(self, v: Any, depth: int) -> list[Any]:
        t = type(v)
        name = type_name(v)
        if v is None or t is bool:
            return ["atom", name, repr(v)]
        if isinstance(v, bool):
            return ["int", name, hex(int(v))]
        if isinstance(v, int) and t.__repr__ is int.__repr__:
            return ["int", name, hex(v)]
        if isinstance(v, float) and t.__repr__ is float.__repr__:
            return ["float", name, _float(v)]
        if t is complex:
            return ["complex", name, _float(v.real), _float(v.imag)]
        if isinstance(v, str) and t.__repr__ is str.__repr__:
            return ["str", name, str(v)]
        if isinstance(v, bytes) and t.__repr__ is bytes.__repr__:
            return ["bytes", name, bytes(v).hex()]
        if depth > MAX_DEPTH:
            return ["deep", name]
        tracked = isinstance(v, _MUTABLE) or _has_state(v)
        if tracked:
            if id(v) in self.refs:
                return ["ref", self.refs[id(v)]]
            self.refs[id(v)] = len(self.refs)
            self.alive.append(v)
        down = depth + 1
        if isinstance(v, bytearray):
            return ["bytes", name, bytes(v).hex()]
        if isinstance(v, (list, tuple, deque)):
            return self._extra(["seq", name, [self.tree(x, down) for x in v]], v, down)
        if isinstance(v, dict):
            items = [[self.tree(k, down), self.tree(x, down)] for k, x in v.items()]
            return self._extra(["dict", name, items], v, down)
        if isinstance(v, (set, frozenset)):
            items = [self.tree(x, down) for x in v]
            return self._extra(["set", name, sorted(items, key=ascii)], v, down)
        if isinstance(v, BaseException):
            return ["exc", name, self.tree(v.args, down)]
        if tracked:
            return ["obj", name, self._attributes(v, down)]
        return ["repr", name, _repr(v), _identity_of(v)]

    def _attributes(self, v: Any, depth: int) -> list[list[Any]]:
        return [[k, self.tree(x, depth)] for k, x in sorted(_state(v).items())]

    def _extra(self, node: list[Any], v: Any, depth: int) -> list[Any]:
        """A container of a subclass keeps its own attributes after its items."""
        if type(v) in (list, tuple, deque, dict, set, frozenset) or not _state(v):
            return node
        return [*node, self._attributes(v, depth)]


def _float(x: float) -> str:
    return x.hex() if x == x and abs(x) != float("inf") else repr(x)


def _has_state(v: Any) -> bool:
    if isinstance(v, _OPAQUE):
        return False
    return bool(getattr(v, "__dict__", None)) or bool(_slots(type(v)))


def _slots(kind: type) -> list[str]:
    """The attribute names of every __slots__ in the class's MRO, private ones mangled."""
    names: list[str] = []
    for klass in kind.__mro__:
        slots = vars(klass).get("__slots__", ())
        for name in [slots] if isinstance(slots, str) else list(slots):
            if name in ("__dict__", "__weakref__"):
                continue
            if name.startswith("__") and not name.endswith("__"):
                name = f"_{klass.__name__.lstrip('_')}{name}"
            names.append(name)
    return names


def _state(v: Any) -> dict[str, Any]:
    state = dict(getattr(v, "__dict__", None) or {})
    for name in _slots(type(v)):
        if hasattr(v, name):
            state[name] = getattr(v, name)
    return state


def _identity_of(v: Any) -> str:
    """A digest of the whole value for one compared by its repr: the full repr (the tree shows
    only its start) and, where it pickles, its pickle (a repr may elide, as numpy's does)."""
    text = _ADDRESS.sub("0x?", _full_repr(v))
    try:
        data = pickle.dumps(v, protocol=4)
    except Exception:
        data = b""
    return hashlib.sha256(text.encode("utf-8", "backslashreplace") + data).hexdigest()[:32]


def _full_repr(v: Any) -> str:
    try:
        return repr(v)
    except Exception as exc:
        return f"<repr failed: {type(exc).__name__}>"


def _repr(v: Any) -> str:
    try:
        text = repr(v)
    except Exception as exc:
        text = f"<repr failed: {type(exc).__name__}>"
    return _ADDRESS.sub("0x?", text)[:2000]


# -- the interpreter-global state a call can change ----------------------------------------


def global_state(module: ModuleType | None) -> dict[str, Any]:
    """Each aspect of interpreter-global state, as comparable plain data."""
    state: dict[str, Any] = {
        "random state": digest(random.getstate()),
        "environment": digest(sorted(os.environ.items())),
        "working directory": os.getcwd(),
        "sys.path": list(sys.path),
        "signal handlers": _signals(),
    }
    if "decimal" in sys.modules:
        state["decimal context"] = _repr(sys.modules["decimal"].getcontext())
    if "locale" in sys.modules:
        try:
            state["locale"] = sys.modules["locale"].setlocale(sys.modules["locale"].LC_ALL)
        except Exception as exc:
            state["locale"] = f"<{type(exc).__name__}>"
    if module is not None:
        state["module globals"] = {
            k: (type(x).__qualname__, id(x)) for k, x in vars(module).items()
        }
    return state


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """What changed, per aspect: module globals as the names rebound, added or removed; the
    others as their new value."""
    changed: dict[str, Any] = {}
    for aspect, now in after.items():
        was = before.get(aspect)
        if now == was:
            continue
        if aspect == "module globals":
            names = sorted(k for k in set(now) | set(was or {}) if now.get(k) != (was or {}).get(k))
            changed[aspect] = names
        else:
            changed[aspect] = now
    return changed


def _signals() -> list[list[str]]:
    handlers = []
    for number in sorted(signal.valid_signals()):
        try:
            handler = signal.getsignal(number)
        except (ValueError, OSError):
            continue
        shown = getattr(handler, "__qualname__", None) or _repr(handler)
        handlers.append([str(int(number)), str(shown)])
    return handlers


# -- one call --------------------------------------------------------------------------------


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[list[str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception as exc:
            message = f"<getMessage failed: {type(exc).__name__}>"
        self.records.append([record.name, record.levelname, message[:2000]])


def observe_call(
    function: Callable[..., Any], blob: bytes, timeout: float, module: ModuleType | None
) -> tuple[dict[str, Any], float]:
    """(what the call did, its duration); ValueError when the arguments do not load."""
    try:
        args, kwargs = pickle.loads(blob)
    except Exception as exc:
        raise ValueError(f"cannot load the arguments: {type(exc).__name__}: {exc}") from None
    before = global_state(module)
    out, err = io.StringIO(), io.StringIO()
    real = sys.stdout, sys.stderr
    records, root = _Records(), logging.getLogger()
    kind, value, error = "return", None, None
    root.addHandler(records)
    start = time.perf_counter()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            sys.stdout, sys.stderr = out, err
            try:
                with time_limit(timeout):
                    try:
                        value = function(*args, **kwargs)
                    except CallTimeout:
                        raise
                    except BaseException as exc:
                        kind, error = "exception", exception_summary(exc)
            except CallTimeout:
                kind, error = "timeout", ["timeout", f"{timeout:g}s"]
            finally:
                sys.stdout, sys.stderr = real
    finally:
        duration = time.perf_counter() - start
        root.removeHandler(records)
    after = global_state(module)
    observed = {
        "kind": kind,
        "value": sized(snapshot([value, list(args), kwargs])),
        "shown": short_repr(value) if kind == "return" else "",
        "error": error,
        "stdout": out.getvalue()[:100_000],
        "stderr": err.getvalue()[:100_000],
        "warnings": [[w.category.__qualname__, str(w.message)[:2000]] for w in caught],
        "logs": records.records,
        "state": changes(before, after),
    }
    return observed, duration
