"""What an offline rewrite rule is: a libcst codemod over one function that proposes, never decides.

A rule looks at one function (with its module for context) and returns a `Rewrite` when its
precondition holds, or None when it cannot prove it from the code. The gate decides whether the
rewrite is kept, so a rule may be speculative where the gate can catch a mistake (a different
result on some input), never where it cannot (an expression with side effects evaluated fewer
times, a name that may be rebound at run time).
"""

from __future__ import annotations

import abc
from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

import libcst as cst


@dataclass(frozen=True)
class Rewrite:
    """A rule's proposal: the new function, plus imports and module-level helpers it needs."""

    function: cst.FunctionDef
    imports: tuple[str, ...] = ()  # e.g. "import collections", "from itertools import product"
    helpers: tuple[str, ...] = ()  # module-level statements, e.g. "_STOPWORDS = frozenset({...})"

    def source(self) -> str:
        """The candidate as text: imports, helpers, then the function (what replace_function takes)."""
        head = [*self.imports, *self.helpers]
        body = cst.Module(body=[self.function]).code
        return ("\n".join(head) + "\n\n\n" if head else "") + body


class Rule(abc.ABC):
    """Base class: subclasses set `name` (a short key) and DESCRIPTION, and define rewrite()."""

    name: ClassVar[str]
    DESCRIPTION: ClassVar[str]

    @abc.abstractmethod
    def rewrite(self, function: cst.FunctionDef, module: cst.Module) -> Rewrite | None:
        """The rewritten function, or None when the rule's precondition does not hold."""


def assigned_names(node: cst.CSTNode) -> set[str]:
    """Every name bound anywhere under `node`: assignments, for/with targets, defs, imports,
    parameters, global/nonlocal declarations. Used to prove a builtin is not shadowed."""
    return set(_bound(node))


def _bound(node: cst.CSTNode) -> Iterator[str]:
    for child in _walk(node):
        if isinstance(child, (cst.FunctionDef, cst.ClassDef, cst.Param)):
            yield child.name.value
        elif isinstance(child, (cst.AssignTarget, cst.For, cst.CompFor, cst.WithItem)):
            target = getattr(child, "target", None) or getattr(child, "asname", None)
            if isinstance(target, cst.AsName):
                target = target.name
            yield from _names_in(target)
        elif isinstance(child, (cst.AnnAssign, cst.AugAssign, cst.NamedExpr)):
            yield from _names_in(child.target)
        elif isinstance(child, cst.ImportAlias):
            if child.asname is not None:
                yield from _names_in(child.asname.name)
            else:  # `import a.b` binds `a`
                yield cst.Module(body=[]).code_for_node(child.name).split(".")[0]
        elif isinstance(child, (cst.Global, cst.Nonlocal)):
            yield from (n.name.value for n in child.names)
        elif isinstance(child, cst.ImportStar):
            yield "*"


def _names_in(target: cst.CSTNode | None) -> Iterator[str]:
    if target is None:
        return
    for child in _walk(target):
        if isinstance(child, cst.Name):
            yield child.value


def _walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    yield node
    for child in node.children:
        yield from _walk(child)


def builtin_is_free(name: str, function: cst.FunctionDef, module: cst.Module) -> bool:
    """True when `name` cannot refer to anything but the builtin: nothing in the module or the
    function binds it, and there is no star import."""
    bound = assigned_names(module) | assigned_names(function)
    return name not in bound and "*" not in bound
