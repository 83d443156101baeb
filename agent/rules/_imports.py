"""How a rewrite can name something from a standard module, and the import that needs."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from ._blocks import module_binding_counts
from .base import assigned_names


def reach(
    package: str, name: str, function: cst.FunctionDef, module: cst.Module
) -> tuple[str, tuple[str, ...]] | None:
    """How to spell `package.name` inside `function`, and the import to add for it, or None when
    no spelling can be trusted: the module's own `from package import name [as alias]` (that
    alias bound nowhere else, not rebound by the function); else `package.name` with `import
    package` added unless the module has it, when the module binds `package` only by importing
    it (`import package` or `import package.sub`) and the function does not bind it. Never with
    a star import, which could rebind either unseen."""
    if "*" in assigned_names(module):
        return None
    bound, local = module_binding_counts(module), assigned_names(function)
    for alias in _aliases(module, m.ImportFrom(module=m.Name(package), relative=[])):
        spelled = alias.evaluated_alias or alias.evaluated_name
        if alias.evaluated_name == name and bound.get(spelled) == 1 and spelled not in local:
            return spelled, ()
    imported = [a.evaluated_name for a in _aliases(module, m.Import()) if a.asname is None]
    packages = [found for found in imported if found.split(".")[0] == package]
    if package in local or bound.get(package, 0) != len(packages):
        return None
    return f"{package}.{name}", () if package in imported else (f"import {package}",)


def _aliases(module: cst.Module, kind: m.Import | m.ImportFrom) -> list[cst.ImportAlias]:
    """The names imported by the module's top-level statements of one kind."""
    lines = [s for s in module.body if isinstance(s, cst.SimpleStatementLine)]
    found = [n for line in lines for n in line.body if m.matches(n, kind)]
    return [a for n in found for a in getattr(n, "names", ()) if isinstance(a, cst.ImportAlias)]
