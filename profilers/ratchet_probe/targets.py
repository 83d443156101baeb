"""Finding a target by its dotted name and wrapping it everywhere it is bound."""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable
from typing import Any


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
