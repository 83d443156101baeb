"""What the gate works on: the target function in the repo, and a candidate applied to its file."""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from agent.rewrite import Definition, Rejected, function_source, locate_function, module_paths
from agent.rewrite import replace_function as _replace

from .screen import top_level_names


class GateError(Exception):
    """The gate could not decide (bad target, failing baseline, broken sandbox): not a verdict on
    the candidate. The message says what was wrong and what to do."""


@dataclass(frozen=True)
class Target:
    function: str  # dotted: pkg.mod.Class.method
    path: str  # repo-relative file that defines it
    qualname: str  # relative to its module: Class.method
    source: bytes  # the module as it is in the repo

    @property
    def module(self) -> str:
        return self.function[: -len(self.qualname) - 1]

    def text(self) -> str:
        return self.source.decode("utf-8", errors="replace")

    def function_text(self) -> str:
        found = function_source(self.source, self.qualname, path=self.path)
        return "" if isinstance(found, Rejected) else found

    def module_names(self) -> set[str]:
        """Names bound at the module's top level."""
        try:
            tree = ast.parse(self.source)
        except SyntaxError:
            return set()
        return top_level_names(tree)


def find_target(root: Path, files: Sequence[str], function: str) -> Target:
    """The one definition of `function` (pkg.mod.func or pkg.mod.Class.method) in the repo."""
    if "." not in function:
        raise GateError(
            f"{function!r} is not a dotted name; name the function with its module, "
            "e.g. wordfreq.text.normalize or pkg.mod.Class.method."
        )
    matches = module_paths(function, [f for f in files if f.endswith(".py")])
    problems: list[str] = []
    for match in matches:
        source = (root / match.path).read_bytes()
        found = locate_function(source, match.qualname, path=match.path)
        if isinstance(found, Definition):
            return Target(function, match.path, match.qualname, source)
        problems.append(found.reason)
    if not matches:
        raise GateError(
            f"no module of {root} matches {function}: no file such as "
            f"{'/'.join(function.split('.')[:-1])}.py; check the dotted name."
        )
    raise GateError(f"{function} was not found: {problems[0]}")


@dataclass(frozen=True)
class Change:
    """A candidate applied to the target's file (in memory: the repo is never written)."""

    target: Target
    candidate: str  # the text a person or an LLM wrote; for a rule, the whole new module
    source: bytes  # the whole new module
    patch: str  # unified diff against the repo's file
    whole_module: bool = False  # `candidate` is the whole module (the offline rules write those)

    @property
    def files(self) -> dict[str, bytes]:
        return {self.target.path: self.source}

    @property
    def unchanged(self) -> bool:
        """The new module is the old one up to comments and layout: no change that could run
        faster."""
        try:
            return ast.dump(ast.parse(self.source)) == ast.dump(ast.parse(self.target.source))
        except (SyntaxError, ValueError):
            return False


def module_change(target: Target, module: str, patch: str) -> Change:
    """A change that arrives as the whole new module text (the offline rules write those)."""
    return Change(target, module, module.encode("utf-8"), patch, whole_module=True)


def apply_candidate(target: Target, candidate: str) -> Change | Rejected:
    replaced = _replace(target.source, target.qualname, candidate, path=target.path)
    if isinstance(replaced, Rejected):
        return replaced
    return Change(target, candidate, replaced.source.encode("utf-8"), replaced.diff)
