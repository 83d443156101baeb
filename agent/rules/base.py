"""What an offline rewrite rule is: a libcst codemod over one function that proposes, never decides.

A rule looks at one function (with its module for context) and returns a `Rewrite` when its
precondition holds, or None when it cannot prove it from the code. The gate decides whether the
rewrite is kept, so a rule may be speculative where the gate can catch a mistake (a different
result on some input), never where it cannot (an expression with side effects evaluated fewer
times, a name that may be rebound at run time).
"""

from __future__ import annotations

import abc
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from ._blocks import binding_targets, descendants, walk


@dataclass(frozen=True)
class Rewrite:
    """A rule's proposal: the new function, plus imports and module-level helpers it needs."""

    function: cst.FunctionDef
    imports: tuple[str, ...] = ()  # e.g. "import collections", "from itertools import product"
    helpers: tuple[str, ...] = ()  # module-level statements, e.g. "_STOPWORDS = frozenset({...})"

    def source(self) -> str:
        """The candidate as text: imports, helpers, two blank lines, then the function (what
        replace_function takes)."""
        head = [*self.imports, *self.helpers]
        if not head:
            return cst.Module(body=[self.function]).code
        lines = _from_first_comment(self.function.leading_lines)
        body = cst.Module(body=[self.function.with_changes(leading_lines=lines)]).code
        return "\n".join(head) + "\n\n\n" + body


def _from_first_comment(lines: Sequence[cst.EmptyLine]) -> Sequence[cst.EmptyLine]:
    """The lines above a def without the blank ones before its first comment."""
    comments = [index for index, line in enumerate(lines) if line.comment is not None]
    return lines[comments[0] :] if comments else ()


class Rule(abc.ABC):
    """Base class: subclasses set `name` (a short key) and DESCRIPTION, and define rewrite()."""

    name: ClassVar[str]
    DESCRIPTION: ClassVar[str]

    @abc.abstractmethod
    def rewrite(self, function: cst.FunctionDef, module: cst.Module) -> Rewrite | None:
        """The rewritten function, or None when the rule's precondition does not hold."""


@functools.lru_cache(maxsize=64)
def assigned_names(node: cst.CSTNode) -> frozenset[str]:
    """Every name bound anywhere under `node`: assignment, for, with, except and del targets,
    defs, classes, parameters, imports, global/nonlocal declarations, match captures; "*" for a
    star import. Any name in a target counts (`d[k] = v` names d and k), erring towards caution.
    Used to prove a builtin is not shadowed. Remembered per node (nodes hash by identity): every
    rule asks this of the same module, and walking a large module costs tens of milliseconds."""
    return frozenset(name for child in descendants(node) for name in _bound(child))


def _bound(node: cst.CSTNode) -> Iterator[str]:
    if isinstance(node, cst.ImportStar):
        yield "*"
    for target in binding_targets(node):
        yield from (name.value for name in walk(target) if isinstance(name, cst.Name))


def builtin_is_free(name: str, function: cst.FunctionDef, module: cst.Module) -> bool:
    """True when `name` cannot refer to anything but the builtin: nothing in the module or the
    function binds it, and there is no star import."""
    bound = assigned_names(module) | assigned_names(function)
    return name not in bound and "*" not in bound
