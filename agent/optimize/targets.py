"""Choosing what to optimize: the hottest functions tests call, or what the user named.

Pure functions of values, except `changed_lines`, which asks git.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from agent.rewrite import Definition, Rejected, function_at_line, list_functions
from profilers.hotspots import Hotspot, is_repo_code, module_name

from .state import Plan

HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.M)
HOT = 0.001  # the share of the repo's lines run below which a function is not hot


class TargetError(Exception):
    """The targets asked for cannot be found; the message says what to do."""


def dotted(path: str, qualname: str) -> str:
    """`src/pkg/mod.py` + `Class.method` -> `pkg.mod.Class.method`."""
    return f"{module_name(path)}.{qualname}"


def from_hotspots(hotspots: Iterable[Hotspot]) -> list[Plan]:
    """The hot functions (at least HOT of the lines run in the repo's functions are their own),
    most lines first, then by name: a count, so the same code gives the same targets in the same
    order, run after run. Samples would not: two samplings never agree on the order of functions
    whose times are close, nor on which of the rarely caught ones appear at all.

    Without counted lines (the counted run failed), the functions that own samples, most self
    time first, as the next best thing; a pure caller with no self time has nothing of its own
    to speed up."""
    spots = list(hotspots)
    everything = sum(h.lines for h in spots)
    if not everything:
        return _by_samples(spots)
    hot = [h for h in spots if h.lines and h.lines >= HOT * everything]
    hot.sort(key=lambda h: (-h.lines, h.function, h.file, h.line))
    return [Plan(h.function, h.file, _lines_why(h, everything), h.self_share) for h in hot]


def _lines_why(hotspot: Hotspot, everything: int) -> str:
    why = f"{hotspot.lines / everything:.1%} of the repo's lines run are its own"
    return f"{why}, {hotspot.self_share:.1%} of samples" if hotspot.self_samples else why


def _by_samples(hotspots: list[Hotspot]) -> list[Plan]:
    owning = [h for h in hotspots if h.self_samples > 0]
    owning.sort(key=lambda h: (-h.self_share, -h.total_share, h.function, h.file))
    return [
        Plan(h.function, h.file, f"{h.self_share:.1%} of samples in its own code", h.self_share)
        for h in owning
    ]


def from_names(names: Sequence[str], sources: Mapping[str, str]) -> list[Plan]:
    plans = []
    for name in names:
        path = next((p for p, q in _all_definitions(sources) if dotted(p, q) == name), None)
        if path is None:
            raise TargetError(
                f"{name} is not a function of this repository; give its dotted name as "
                "`ratchet profile` lists it, e.g. pkg.module.Class.method."
            )
        plans.append(Plan(name, path, "named with --function"))
    return plans


def from_line(path: str, line: int | None, sources: Mapping[str, str]) -> list[Plan]:
    if path not in sources:
        raise TargetError(
            f"{path} is not a Python file of this repository (paths are repo-relative)."
        )
    if line is None:
        found = list_functions(sources[path], path=path)
        if isinstance(found, Rejected):
            raise TargetError(found.reason)
        return [Plan(dotted(path, d.qualname), path, f"defined in {path}") for d in found]
    definition = function_at_line(sources[path], line, path=path)
    if isinstance(definition, Rejected):
        raise TargetError(definition.reason)
    return [Plan(dotted(path, definition.qualname), path, f"encloses {path}:{line}")]


def from_changes(
    changes: Mapping[str, Sequence[int]], sources: Mapping[str, str], base: str
) -> list[Plan]:
    """The innermost function around each changed line."""
    plans: dict[str, Plan] = {}
    for path, lines in sorted(changes.items()):
        if path not in sources or not is_repo_code(path):
            continue
        for line in lines:
            found = function_at_line(sources[path], line, path=path)
            if isinstance(found, Definition):
                name = dotted(path, found.qualname)
                plans.setdefault(name, Plan(name, path, f"changed since {base}"))
    return list(plans.values())


def everything(sources: Mapping[str, str]) -> list[Plan]:
    return [
        Plan(dotted(path, qualname), path, "every function (--all)")
        for path, qualname in _all_definitions(sources)
        if is_repo_code(path)
    ]


def _all_definitions(sources: Mapping[str, str]) -> list[tuple[str, str]]:
    found = []
    for path, text in sorted(sources.items()):
        definitions = list_functions(text, path=path)
        if isinstance(definitions, Rejected):
            continue
        functions = {d.qualname for d in definitions}
        found += [(path, d.qualname) for d in definitions if not _nested(d.qualname, functions)]
    return found


def _nested(qualname: str, functions: set[str]) -> bool:
    """Defined inside another function: the probe cannot reach it by name."""
    parts = qualname.split(".")
    return any(".".join(parts[:cut]) in functions for cut in range(1, len(parts)))


def changed_lines(root: Path, base: str) -> dict[str, list[int]]:
    """Lines added or changed since `base`, per repo-relative path (git diff, no context)."""
    done = subprocess.run(
        ["git", "-C", str(root), "diff", "--unified=0", "--no-color", base, "--", "*.py"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise TargetError(
            f"git could not diff {root} against {base!r}: {done.stderr.strip() or 'not a git repo'}; "
            "pass an existing branch, tag or commit with --base."
        )
    changes: dict[str, list[int]] = {}
    path = None
    for line in done.stdout.splitlines():
        if line.startswith("+++ "):
            path = line[6:] if line.startswith("+++ b/") else None
        elif path and (match := HUNK.match(line)):
            start, count = int(match[1]), int(match[2] or 1)
            changes.setdefault(path, []).extend(range(start, start + count))
    return changes
