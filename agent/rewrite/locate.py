"""Finding one function in a module: by qualified name, or by a line inside it; and finding the
module files a full dotted name may live in.

A qualified name is relative to the module: `func`, `Class.method`, `Outer.Inner.method`,
`outer.inner` (Python's `outer.<locals>.inner` works too). Every component must be defined
exactly once in its scope: a name defined twice (a property and its setter, `if X: def f ...
else: def f ...`) is ambiguous, and the answer says where each definition is, so the caller can
name the one it means by line instead. `typing.overload` stubs don't count: they never run.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from .index import Definition, ModuleIndex, index_module
from .outcomes import Rejected


def locate_function(
    source: str | bytes, qualname: str, *, path: str = "<module>", line: int | None = None
) -> Definition | Rejected:
    """The one function named `qualname`; with `line`, the definition of that name spanning
    that line (which picks one of several definitions of the same name)."""
    index = index_module(source, path)
    if isinstance(index, Rejected):
        return index
    return find(index, qualname, path=path, line=line)


def function_source(
    source: str | bytes, qualname: str, *, path: str = "<module>", line: int | None = None
) -> str | Rejected:
    """The function's text as written, from its first decorator (or def) line to the end of its
    body, indented as in the module: what to show an LLM. As a candidate it changes zero bytes."""
    index = index_module(source, path)
    if isinstance(index, Rejected):
        return index
    found = find(index, qualname, path=path, line=line)
    return found if isinstance(found, Rejected) else index.text[found.start : found.end]


def function_at_line(
    source: str | bytes, line: int, *, path: str = "<module>"
) -> Definition | Rejected:
    """The innermost function whose decorators, def line or body span `line` (1-based)."""
    index = index_module(source, path)
    if isinstance(index, Rejected):
        return index
    return innermost(index, line, path=path)


def list_functions(
    source: str | bytes, *, path: str = "<module>"
) -> tuple[Definition, ...] | Rejected:
    """Every function and method definition, nested ones included, in source order."""
    index = index_module(source, path)
    if isinstance(index, Rejected):
        return index
    return tuple(d for d in index.definitions if d.is_function)


def find(
    index: ModuleIndex, qualname: str, *, path: str = "<module>", line: int | None = None
) -> Definition | Rejected:
    parts = [part for part in qualname.split(".") if part != "<locals>"]
    if not parts or not all(part.isidentifier() for part in parts):
        return Rejected(
            "not-found",
            f"`{qualname}` is not a qualified name; write it like `func`, `Class.method` or "
            "`outer.inner`, relative to the module.",
        )
    if line is not None:
        return _by_line(index, ".".join(parts), line, path)
    parent: int | None = None
    for depth, part in enumerate(parts):
        here = ".".join(parts[:depth])
        found = _one(index, parent, part, here, path)
        if isinstance(found, Rejected):
            return found
        parent = found
    definition = index.definitions[parent] if parent is not None else None
    if definition is None or not definition.is_function:
        return Rejected(
            "not-found",
            f"`{qualname}` in {path} is a class, not a function; name one of its methods, "
            f"like `{qualname}.{_first_method(index, parent)}`.",
        )
    return definition


def _one(index: ModuleIndex, parent: int | None, name: str, here: str, path: str) -> int | Rejected:
    scope = f"`{here}`" if here else path
    candidates = [(n, d) for n, d in index.children(parent) if d.name == name]
    running = [(n, d) for n, d in candidates if not d.is_overload] or candidates
    if len(running) == 1:
        return running[0][0]
    if running:
        *most, last = [d.where for _, d in running]
        wheres = f"{', '.join(most)} and {last}"
        qualified = f"{here}.{name}" if here else name
        return Rejected(
            "ambiguous",
            f"`{qualified}` is ambiguous: {scope} defines `{name}` {len(running)} times, at "
            f"{wheres}. Name the one you mean by its line instead.",
        )
    names = sorted({d.name for _, d in index.children(parent)})
    close = difflib.get_close_matches(name, names, n=3)
    hint = f"did you mean {_ticks(close)}?" if close else f"it defines {_ticks(names) or 'none'}."
    return Rejected("not-found", f"{scope} defines no function or class `{name}`; {hint}")


def _ticks(names: Iterable[str], limit: int = 12) -> str:
    shown = [f"`{n}`" for n in names]
    more = f" and {len(shown) - limit} more" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def _first_method(index: ModuleIndex, parent: int | None) -> str:
    return next((d.name for _, d in index.children(parent) if d.is_function), "method")


def _by_line(index: ModuleIndex, qualname: str, line: int, path: str) -> Definition | Rejected:
    named = [d for d in index.definitions if d.qualname == qualname and d.is_function]
    for definition in named:
        if definition.first_line <= line <= definition.last_line:
            return definition
    if not named:
        return find(index, qualname, path=path)  # says what is there instead
    spans = ", ".join(f"{d.first_line}-{d.last_line}" for d in named)
    return Rejected(
        "not-found",
        f"No definition of `{qualname}` in {path} spans line {line}; it is defined at lines "
        f"{spans}.",
    )


def innermost(index: ModuleIndex, line: int, *, path: str = "<module>") -> Definition | Rejected:
    spanning = [
        d for d in index.definitions if d.is_function and d.first_line <= line <= d.last_line
    ]
    if spanning:
        return max(spanning, key=lambda d: (d.first_line, len(d.qualname)))
    if not 1 <= line <= index.lines.count:
        return Rejected(
            "not-found", f"{path} has {index.lines.count} lines; line {line} is not one of them."
        )
    quoted = index.lines.line(line).strip()
    shown = f" (`{quoted}`)" if quoted else ""
    return Rejected("not-found", f"Line {line} of {path}{shown} is not inside any function.")


@dataclass(frozen=True)
class ModuleMatch:
    """A file that may define a dotted name, and the name relative to that module."""

    path: str  # as given in the file list, with forward slashes
    qualname: str


def module_paths(dotted: str, files: Iterable[str]) -> tuple[ModuleMatch, ...]:
    """Where `pkg.mod.Class.method` may live among a repo's files: `pkg/mod.py`,
    `pkg/mod/__init__.py`, `src/pkg/mod.py` (any leading folders), ... Longest module first,
    then the fewest leading folders."""
    parts = dotted.split(".")
    paths = sorted({str(f).replace("\\", "/") for f in files})
    matches: list[tuple[int, int, str, str]] = []
    for cut in range(len(parts) - 1, 0, -1):
        stem = "/".join(parts[:cut])
        for suffix in (f"{stem}.py", f"{stem}/__init__.py"):
            for path in paths:
                if path == suffix or path.endswith("/" + suffix):
                    extra = path.count("/") - suffix.count("/")
                    matches.append((-cut, extra, path, ".".join(parts[cut:])))
    return tuple(ModuleMatch(path, qualname) for *_, path, qualname in sorted(matches))
