"""Values as the probe shows and keeps them: type names, short reprs, pickles."""

from __future__ import annotations

import itertools
import pickle
import reprlib
from typing import Any

PICKLE_PROTOCOL = 4
REPR_LIMIT = 300
MISSING: Any = object()  # a value that is not there (unpicklable, or absent)

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


def bounded_repr(value: Any, limit: int = REPR_LIMIT) -> str:
    """A repr whose cost does not grow with the value: a long list, tuple or dict shows its
    first and last items and how many there are between (the end is often where a bug shows),
    a long string its head and tail; cut at `limit` characters keeping head and tail. A value
    whose repr fails shows its type."""
    try:
        text = _bounded(value, 3)
    except Exception as exc:
        text = f"<{type_name(value)} whose repr failed: {type(exc).__name__}>"
    if len(text) <= limit:
        return text
    tail = max(limit // 3, 1)
    return text[: limit - tail - 5] + " ... " + text[-tail:]


HEAD_ITEMS, TAIL_ITEMS = 6, 3
_SCALARS = frozenset({int, float, bool, type(None), complex})
_BRACKETS: dict[type, tuple[str, str]] = {
    list: ("[", "]"),
    tuple: ("(", ")"),
    set: ("{", "}"),
    frozenset: ("{", "}"),
    dict: ("{", "}"),
}


def _bounded(value: Any, depth: int) -> str:
    kind = type(value)
    if kind in _SCALARS:
        return repr(value)
    if kind in (str, bytes):
        if len(value) <= 2 * REPR_LIMIT:
            return repr(value)
        return f"{value[:REPR_LIMIT]!r} ... {value[-REPR_LIMIT:]!r}"
    base = next((kind for kind in _BRACKETS if isinstance(value, kind)), None)
    if base is None or (base is tuple and hasattr(value, "_fields")):
        return _REPR.repr(value)
    size = len(value)
    if depth <= 0 and size:
        return f"<{type_name(value)} of {size} items>"
    parts = _items(value, size, base is dict, depth - 1)
    opening, closing = _BRACKETS[base]
    text = opening + ", ".join(parts) + ("," if base is tuple and size == 1 else "") + closing
    if base in (set, frozenset) and not size:
        text = "set()" if base is set else "frozenset()"
    return text if type(value) is base else f"{type(value).__name__}({text})"


def _items(value: Any, size: int, mapping: bool, depth: int) -> list[str]:
    def show(item: Any) -> str:
        if mapping:
            return f"{_bounded(item[0], depth)}: {_bounded(item[1], depth)}"
        return _bounded(item, depth)

    source = value.items() if mapping else value
    if size <= HEAD_ITEMS + TAIL_ITEMS:
        return [show(item) for item in source]
    head = [show(item) for item in itertools.islice(source, HEAD_ITEMS)]
    if isinstance(value, (set, frozenset)):
        return [*head, f"... {size - HEAD_ITEMS} more"]
    ending = reversed(source) if mapping else (value[i] for i in range(-1, -TAIL_ITEMS - 1, -1))
    tail = [show(item) for item in itertools.islice(ending, TAIL_ITEMS)][::-1]
    return [*head, f"... {size - HEAD_ITEMS - TAIL_ITEMS} more ...", *tail]


def describe_arguments(args: Any, kwargs: Any, limit: int = REPR_LIMIT) -> str:
    """The arguments as a call would show them: `('a', 2, key=3)`."""
    shown = [short_repr(a, 100) for a in args] + [
        f"{k}={short_repr(v, 100)}" for k, v in kwargs.items()
    ]
    text = "(" + ", ".join(shown) + ")"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def exception_summary(exc: BaseException) -> list[str]:
    """[type qualname, message] of an exception, even when str() of it fails."""
    try:
        message = str(exc)
    except Exception as error:
        message = f"<str() failed: {type(error).__name__}>"
    return [type(exc).__qualname__, message]


def freeze(value: Any) -> bytes | None:
    """The value pickled, or None when it cannot be."""
    try:
        return pickle.dumps(value, protocol=PICKLE_PROTOCOL)
    except Exception:
        return None


def thaw(blob: bytes | None) -> Any:
    """The pickled value, or MISSING when there is none or it does not load."""
    if blob is None:
        return MISSING
    try:
        return pickle.loads(blob)
    except Exception:
        return MISSING
