"""The names a module binds at module level, and what binds each of them."""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import libcst as cst

from .text import code_of

BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))


@dataclass(frozen=True)
class Binding:
    name: str
    statement: cst.BaseStatement
    key: str | None = None  # imports only: "import a.b", "from .m import x as y"
    package: bool = False  # `import a` or `import a.b` without `as`: binds the package `a`
    nested: bool = False  # under an if/try/with/for at module level: may not run


def module_bindings(statements: Sequence[cst.BaseStatement]) -> dict[str, list[Binding]]:
    """Every name bound in module scope, including inside if/try/with/for at module level."""
    found: dict[str, list[Binding]] = {}
    for binding in _bindings(statements):
        found.setdefault(binding.name, []).append(binding)
    return found


def _bindings(statements: Sequence[cst.BaseStatement], nested: bool = False) -> Iterator[Binding]:
    for statement in statements:
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            yield Binding(statement.name.value, statement, nested=nested)
        elif isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                yield from (replace(b, nested=nested) for b in _small_bindings(small, statement))
        elif isinstance(statement, cst.BaseCompoundStatement):
            for target in _compound_targets(statement):
                yield from (Binding(name, statement, nested=True) for name in names_in(target))
            for suite in _blocks(statement):
                yield from _bindings(suite.body, nested=True)


def _small_bindings(small: cst.BaseSmallStatement, line: cst.BaseStatement) -> Iterator[Binding]:
    if isinstance(small, (cst.Import, cst.ImportFrom)):
        for _, name, key, package in import_aliases(small):
            yield Binding(name, line, key, package)
    elif isinstance(small, cst.Assign):
        for target in small.targets:
            yield from (Binding(name, line) for name in names_in(target.target))
    elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
        yield from (Binding(name, line) for name in names_in(small.target))


def _compound_targets(statement: cst.BaseCompoundStatement) -> Iterator[cst.CSTNode]:
    if isinstance(statement, cst.For):
        yield statement.target
    if isinstance(statement, cst.With):
        yield from (item.asname.name for item in statement.items if item.asname)
    if isinstance(statement, cst.Try):
        yield from (h.name.name for h in statement.handlers if h.name)


def _blocks(node: cst.CSTNode) -> Iterator[cst.IndentedBlock]:
    for child in node.children:
        if isinstance(child, cst.IndentedBlock):
            yield child
        elif not isinstance(child, (cst.BaseExpression, cst.BaseSuite)):
            yield from _blocks(child)


def names_in(target: cst.CSTNode) -> Iterator[str]:
    if isinstance(target, cst.Name):
        yield target.value
    elif isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from names_in(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from names_in(target.value)


def import_aliases(
    small: cst.Import | cst.ImportFrom,
) -> Iterator[tuple[cst.ImportAlias | None, str, str, bool]]:
    """(alias, name it binds, identity key, binds a package) for each name an import binds."""
    if isinstance(small, cst.ImportFrom):
        source = "." * len(small.relative) + (_dotted(small.module) if small.module else "")
        if isinstance(small.names, cst.ImportStar):
            yield None, "*", f"from {source} import *", False
            return
        for alias in small.names:
            name = _dotted(alias.name)
            bound = alias.evaluated_alias or name
            yield alias, bound, f"from {source} import {name}" + _as(alias), False
        return
    for alias in small.names:
        name = _dotted(alias.name)
        bound = alias.evaluated_alias or name.split(".")[0]
        yield alias, bound, f"import {name}" + _as(alias), alias.asname is None


def _dotted(node: cst.CSTNode) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return "".join(code_of(node).split())


def _as(alias: cst.ImportAlias) -> str:
    return f" as {alias.evaluated_alias}" if alias.asname else ""
