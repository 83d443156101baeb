"""Values as the probe shows and keeps them: type names, short reprs, pickles."""

from __future__ import annotations

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
