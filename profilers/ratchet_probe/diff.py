"""Comparing values as behaviour: where and how two values first differ."""

from __future__ import annotations

import collections
import math
from typing import Any

from .values import MISSING, short_repr, type_name

_SCALARS = frozenset({int, bool, str, bytes, bytearray, type(None), range, type(Ellipsis)})
_SEQUENCES = (list, tuple, collections.deque)


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
    for index, (x, y) in enumerate(zip(a, b)):
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
    for index, (x, y) in enumerate(zip(a, b)):
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
        y = partners.get(x, MISSING)
        if y is MISSING:
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
            state[name] = getattr(value, name, MISSING)
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
