"""Hotspots: py-spy's collapsed stacks, mapped to the repository's functions and ranked.

`parse_collapsed` reads py-spy's `--format raw` text (one `frame;frame;... count` line per
distinct stack, root first, each frame `function (file:line)`). `rank_hotspots` keeps the frames
that belong to the repository (not its tests, not site-packages, not Ratchet's probe), maps each
sampled line to the innermost `def` around it, and ranks those functions by their share of all
samples. `lines_per_function` maps a counted run's lines (profilers/linecount.py: one-frame
stacks in the same text) to the same functions; given to `rank_hotspots`, each hotspot carries
the lines of its own code that ran, the count that orders targets the same way run after run.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sandbox.layout import is_test_path

FRAME = re.compile(r"(?P<function>.*?) \((?P<file>.*?)(?::(?P<line>\d+))?\)")
PACKAGE_DIRS = frozenset({"site-packages", "dist-packages"})


@dataclass(frozen=True)
class Frame:
    """One frame as py-spy printed it; file and line are None where it printed none."""

    function: str
    file: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Stack:
    """A distinct call stack, root first, and how many samples caught it."""

    frames: tuple[Frame, ...]
    count: int


@dataclass(frozen=True)
class Hotspot:
    """A repository function and the samples that caught it (shares are of all samples)."""

    function: str  # dotted: package.module.Class.method
    file: str  # repo-relative
    line: int  # the line of its `def`
    self_samples: int
    total_samples: int
    self_share: float
    total_share: float
    lines: int = 0  # line events of its own code in a counted run; 0 when none was counted


@dataclass(frozen=True)
class Definition:
    """A def in a source file: its dotted name and the lines it spans."""

    name: str
    first: int  # the `def` line
    last: int


def parse_frame(text: str) -> Frame:
    """`function (file:line)`, `function (file)`, or a bare label such as `process 12:"..."`."""
    match = FRAME.fullmatch(text)
    if not match:
        return Frame(text)
    line = match["line"]
    return Frame(match["function"], match["file"], int(line) if line else None)


def parse_collapsed(text: str) -> list[Stack]:
    """The stacks of py-spy's raw output; lines that are not `stack count` are skipped.

    A line with no frames (py-spy's samples taken before or after Python ran) is kept as an
    empty stack, so the stacks' counts add up to py-spy's own sample count.
    """
    stacks = []
    for line in text.splitlines():
        head, _, count = line.rstrip().rpartition(" ")
        if count.isdigit():
            frames = tuple(parse_frame(f) for f in head.split(";") if f.strip())
            stacks.append(Stack(frames, int(count)))
    return stacks


Function = tuple[str, Definition]  # a repo-relative path and a def in it


def rank_hotspots(
    stacks: Iterable[Stack],
    root: str,
    sources: Mapping[str, str],
    lines: Mapping[Function, int] | None = None,
) -> list[Hotspot]:
    """The repository's functions that samples caught or (given `lines_per_function`'s counts)
    whose lines ran, most total time first.

    `root` is the workspace as the sampled process saw it; `sources` maps repo-relative paths
    to their text. Self time is charged to the innermost repository frame of a sample, so time
    spent in the standard library or site-packages counts for the repository code that called it.
    """
    resolve = _Resolver(root, sources)
    selfs: Counter[Function] = Counter()
    totals: Counter[Function] = Counter()
    everything = 0
    for stack in stacks:
        everything += stack.count
        found = [f for f in map(resolve, stack.frames) if f]
        for function in set(found):
            totals[function] += stack.count
        if found:
            selfs[found[-1]] += stack.count
    lines = lines or {}
    functions = {*totals, *(f for f, n in lines.items() if n)}
    hotspots = [_hotspot(f, selfs[f], totals[f], everything, lines.get(f, 0)) for f in functions]
    return sorted(
        hotspots, key=lambda h: (-h.total_share, -h.self_share, h.function, h.file, h.line)
    )


def lines_per_function(
    counted: Iterable[Stack], root: str, sources: Mapping[str, str]
) -> dict[Function, int]:
    """A counted run's line events per repository function: each line's count goes to the
    innermost `def` around it; lines of tests, site-packages and module level go nowhere."""
    resolve = _Resolver(root, sources)
    lines: Counter[Function] = Counter()
    for stack in counted:
        found = [f for f in map(resolve, stack.frames) if f]
        if found:
            lines[found[-1]] += stack.count
    return dict(lines)


def _hotspot(function: Function, own: int, total: int, everything: int, lines: int) -> Hotspot:
    path, found = function
    every = everything or 1  # no samples at all (only counted lines): every share is 0
    return Hotspot(found.name, path, found.first, own, total, own / every, total / every, lines)


def is_repo_code(path: str) -> bool:
    """False for test code (the layout's `is_test`), installed packages and Ratchet's probe;
    path is repo-relative."""
    *dirs, name = path.split("/")
    if "ratchet_probe" in dirs or (name.startswith("ratchet_probe") and name.endswith(".py")):
        return False
    return not (is_test_path(path) or PACKAGE_DIRS.intersection(dirs))


def module_name(path: str) -> str:
    """`src/pkg/mod.py` -> `pkg.mod`; `pkg/__init__.py` -> `pkg`."""
    parts = path.removesuffix(".py").split("/")
    if len(parts) > 1 and parts[-1] == "__init__":
        parts.pop()
    if len(parts) > 1 and parts[0] == "src":
        parts.pop(0)
    return ".".join(parts)


def function_defs(source: str, module: str) -> list[Definition]:
    """Every def in source with its dotted name; none when the source does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    return list(_defs(tree, module))


def _defs(node: ast.AST, prefix: str) -> Iterable[Definition]:
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = f"{prefix}.{child.name}"
            yield Definition(name, child.lineno, child.end_lineno or child.lineno)
            yield from _defs(child, name)
        elif isinstance(child, ast.ClassDef):
            yield from _defs(child, f"{prefix}.{child.name}")
        else:
            yield from _defs(child, prefix)


class _Resolver:
    """Frame -> (repo path, innermost def) or None; caches parsed files and looked-up lines."""

    def __init__(self, root: str, sources: Mapping[str, str]) -> None:
        self.root = posixpath.normpath(root)
        self.sources = sources
        self.defs: dict[str, list[Definition]] = {}
        self.seen: dict[Frame, tuple[str, Definition] | None] = {}

    def __call__(self, frame: Frame) -> tuple[str, Definition] | None:
        if frame not in self.seen:
            self.seen[frame] = self._resolve(frame)
        return self.seen[frame]

    def _resolve(self, frame: Frame) -> tuple[str, Definition] | None:
        path = self._relative(frame.file)
        if path is None or frame.line is None or not is_repo_code(path):
            return None
        if path not in self.defs:
            self.defs[path] = function_defs(self.sources[path], module_name(path))
        inside = [d for d in self.defs[path] if d.first <= frame.line <= d.last]
        return (path, max(inside, key=lambda d: d.first)) if inside else None

    def _relative(self, file: str | None) -> str | None:
        """The repo-relative path of a sampled file, if it is one of the repo's sources."""
        if not file:
            return None
        if posixpath.isabs(file):  # relative paths are relative to the workspace, the cwd
            file = posixpath.relpath(posixpath.normpath(file), self.root)
        path = posixpath.normpath(file)
        return path if path in self.sources else None
