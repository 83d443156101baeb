"""The engine's self-check: replace every function of a module with its own source, which must
change zero bytes. Used by the acceptance test and benchmarks/roundtrip.py, and usable on any
repository before trusting the engine with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import libcst as cst

from .index import Definition, ModuleIndex, index_module
from .locate import find
from .outcomes import Rejected
from .replace import replace_function


@dataclass(frozen=True)
class Trial:
    qualname: str
    line: int  # the def line
    by: Literal["name", "line"]  # how the function was named to replace_function
    outcome: str  # "zero" (no byte changed), "changed", or the rejection's kind
    reason: str = ""


def round_trip(
    source: str | bytes, path: str = "<module>", *, as_written: bool = True
) -> tuple[Trial, ...]:
    """One trial per function by qualified name, plus one by line where the name alone does not
    pick it (a name defined twice, an overload stub). The candidate is the function's text as
    written in the module, or with `as_written=False` its libcst rendering at column 0 (what
    `Rewrite.source()` produces)."""
    index = index_module(source, path)
    if isinstance(index, Rejected):
        return (Trial("<module>", 0, "name", index.kind, index.reason),)
    trials: list[Trial] = []
    for definition in index.definitions:
        if definition.is_function:
            trials += _trials(index, source, definition, path, as_written)
    return tuple(trials)


def _trials(
    index: ModuleIndex, source: str | bytes, definition: Definition, path: str, as_written: bool
) -> list[Trial]:
    candidate = _candidate(index, definition, as_written)
    named = find(index, definition.qualname, path=path)
    trials = []
    if named is definition or isinstance(named, Rejected):
        trials.append(_trial(source, definition, candidate, path, by_line=False))
    if named is not definition:
        trials.append(_trial(source, definition, candidate, path, by_line=True))
    return trials


def _candidate(index: ModuleIndex, definition: Definition, as_written: bool) -> str:
    if as_written:
        return index.text[definition.start : definition.end]
    return cst.Module(body=[definition.node.with_changes(leading_lines=())]).code


def _trial(
    source: str | bytes, definition: Definition, candidate: str, path: str, *, by_line: bool
) -> Trial:
    line = definition.line if by_line else None
    result = replace_function(source, definition.qualname, candidate, path=path, line=line)
    by: Literal["name", "line"] = "line" if by_line else "name"
    if isinstance(result, Rejected):
        return Trial(definition.qualname, definition.line, by, result.kind, result.reason)
    original = source if isinstance(source, str) else source.decode("utf-8")
    outcome = "zero" if result.source == original else "changed"
    return Trial(definition.qualname, definition.line, by, outcome, result.diff)
