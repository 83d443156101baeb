"""Hypothesis strategies that draw arguments like the recorded ones: the same shapes (how many
positional arguments, which keywords), values of the same builtin types and sizes, the recorded
values themselves, and the annotations where nothing was recorded."""

from __future__ import annotations

import collections.abc
import inspect
import math
import types
import typing
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from .replay import Recording
from .values import MISSING, freeze, thaw

_PLAIN_HINTS = (int, float, str, bytes, bool, type(None))


def strategy_for(values: list[Any], depth: int = 0) -> Any:
    """A strategy drawing values like `values` (builtin types, nested), or None."""
    groups: dict[type, list[Any]] = {}
    for value in values[:500]:
        groups.setdefault(type(value), []).append(value)
    options = [
        s
        for kind, group in groups.items()
        if (s := _strategy_for_kind(kind, group, depth)) is not None
    ]
    return st.one_of(options) if options else None


def _strategy_for_kind(kind: type, group: list[Any], depth: int) -> Any:
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
        keys = strategy_for([k for v in group[:50] for k in list(v)[:200]], depth + 1)
        items = strategy_for([x for v in group[:50] for x in list(v.values())[:200]], depth + 1)
        return (
            None if keys is None or items is None else st.dictionaries(keys, items, max_size=size)
        )
    lengths = {len(v) for v in group}
    if kind is tuple and len(lengths) == 1 and group[0]:
        parts = [strategy_for([v[i] for v in group], depth + 1) for i in range(len(group[0]))]
        return None if any(p is None for p in parts) else st.tuples(*parts)
    elements = strategy_for([x for v in group[:50] for x in list(v)[:200]], depth + 1)
    if elements is None:
        return None
    make: Any = {list: st.lists, tuple: st.lists, set: st.sets, frozenset: st.frozensets}[kind]
    drawn = make(elements, max_size=size)
    return drawn.map(tuple) if kind is tuple else drawn


def hint_strategy(hint: Any) -> Any:
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


def call_strategy(recording: Recording, function: Callable[..., Any]) -> Any:
    """(args, kwargs) like the recorded calls, shape by shape; from annotations when none."""
    shapes: dict[tuple[int, tuple[str, ...]], list[tuple[Any, Any]]] = {}
    for call in recording["calls"]:
        loaded: Any = thaw(call["args"]) if call["replayable"] else MISSING
        if loaded is not MISSING:
            args, kwargs = loaded
            shapes.setdefault((len(args), tuple(sorted(kwargs))), []).append((args, kwargs))
    hints, parameters = annotations_of(function)
    names = [p.name for p in parameters]
    options = []
    for (count, keys), samples in shapes.items():
        positional = [
            _argument_strategy(
                [a[i] for a, _ in samples], hints.get(names[i]) if i < len(names) else None
            )
            for i in range(count)
        ]
        keyword = {k: _argument_strategy([kw[k] for _, kw in samples], hints.get(k)) for k in keys}
        options.append(st.tuples(st.tuples(*positional), st.fixed_dictionaries(keyword)))
    if options:
        return st.one_of(options)
    required = [
        p
        for p in parameters
        if p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    drawn = [hint_strategy(hints.get(p.name)) for p in required]
    if not required or any(s is None for s in drawn):
        return None
    return st.tuples(st.tuples(*drawn), st.just({}))


def _argument_strategy(values: list[Any], hint: Any) -> Any:
    inferred = strategy_for(values)
    if inferred is None and hint is not None:
        inferred = hint_strategy(hint)
    distinct: dict[bytes, Any] = {}
    for value in values:
        blob = freeze(value)
        if blob is not None and len(distinct) < 30:
            distinct.setdefault(blob, value)
    recorded = st.sampled_from(list(distinct.values()) or values[:30])
    return st.one_of(inferred, recorded) if inferred is not None else recorded
