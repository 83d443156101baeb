"""What a candidate's names are bound to, as far as a static look can tell: the `Scope` that the
screen's rules read (imports and their aliases, locals, the module's top-level names, its mutable
containers and its own objects, and the functions its import-time code runs).
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable
from dataclasses import dataclass

from .screen_rules import CONTAINER_FACTORIES

Function = ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


@dataclass(frozen=True)
class Scope:
    """The candidate's names, sorted by what they are bound to."""

    aliases: dict[str, str]  # name -> the module (or module.attribute) an import binds it to
    modules: frozenset[str]  # names that are modules: `import x`, or a stdlib name of the module's
    local: frozenset[str]  # names bound inside some function (parameters, assignments)
    outside: frozenset[str]  # the module's top-level names that are not such locals
    mutable: frozenset[str]  # top-level names bound to a mutable container
    instances: frozenset[str]  # top-level names bound to an object of the candidate's own class
    functions: frozenset[str]  # functions the candidate defines at its top level
    classes: frozenset[str]  # classes the candidate defines at its top level
    run_once: frozenset[str]  # of those functions, the ones import-time code runs or applies
    callees: frozenset[int]  # ids of the expressions that are called
    decorators: frozenset[int]  # ids of decorator expressions


def read_scope(tree: ast.Module, module_names: set[str]) -> Scope:
    aliases, imported = _module_aliases(tree)
    local = _local_names(tree)
    outside = module_names - local
    functions = {
        n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    every = list(ast.walk(tree))
    return Scope(
        aliases=aliases,
        modules=frozenset(imported | (outside & sys.stdlib_module_names)),
        local=frozenset(local),
        outside=frozenset(outside),
        mutable=frozenset(_mutable_helpers(tree)),
        instances=frozenset(_instances(tree, classes)),
        functions=frozenset(functions),
        classes=frozenset(classes),
        run_once=frozenset(functions & _import_time_names(tree.body)),
        callees=frozenset(id(n.func) for n in every if isinstance(n, ast.Call)),
        decorators=frozenset(
            id(d)
            for n in every
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            for d in n.decorator_list
        ),
    )


def top_level_names(tree: ast.Module) -> set[str]:
    """Names a module binds at its top level: imports, functions, classes, assignments."""
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        else:
            found |= _bound(node)
    return found


def _module_aliases(tree: ast.Module) -> tuple[dict[str, str], set[str]]:
    """Name -> module for `import os`, `import os.path as p`, and `from os import _exit` (which
    maps `_exit` to `os._exit`); and the names that `import` binds to a module."""
    aliases: dict[str, str] = {"sys": "sys", "os": "os"}
    modules = {"sys", "os"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                aliases[name] = alias.name if alias.asname else name
                modules.add(name)
        elif isinstance(node, ast.ImportFrom):
            source = "." * node.level + (f"{node.module}." if node.module else "")
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{source}{alias.name}"
    return aliases, modules


def _local_names(tree: ast.Module) -> set[str]:
    """Names bound inside any function of the candidate (parameters, assignments, loop targets),
    minus those it declares global: writes into them are writes into locals."""
    local: set[str] = set()
    declared: set[str] = set()
    for function in ast.walk(tree):
        if not isinstance(function, FUNCTIONS):
            continue
        local |= parameters(function)
        for node in ast.walk(function):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                local.add(node.id)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                declared |= set(node.names)
    return local - declared


def parameters(function: Function) -> set[str]:
    arguments = function.args
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return {a.arg for a in every}


def _import_time_names(body: Iterable[ast.stmt]) -> set[str]:
    """Names the module's import-time code reads: top-level statements, class bodies,
    decorators and defaults (function bodies run later, per call)."""
    names: set[str] = set()
    for statement in body:
        parts: list[ast.AST]
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            arguments = statement.args
            parts = [*statement.decorator_list, *arguments.defaults]
            parts += [d for d in arguments.kw_defaults if d is not None]
        elif isinstance(statement, ast.ClassDef):
            names |= _import_time_names(statement.body)
            parts = [*statement.decorator_list, *statement.bases]
            parts += [k.value for k in statement.keywords]
        else:
            parts = [statement]
        names |= {n.id for part in parts for n in ast.walk(part) if isinstance(n, ast.Name)}
    return names


def _instances(tree: ast.Module, classes: set[str]) -> set[str]:
    """Module-level names the candidate binds to an instance of a class it defines itself: any
    method call on one may keep state (a memo object)."""
    found: set[str] = set()
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        called = value.func if isinstance(value, ast.Call) else None
        if isinstance(called, ast.Name) and called.id in classes:
            found |= _bound(node)
    return found


def _bound(node: ast.stmt) -> set[str]:
    """The plain names an assignment statement binds."""
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        targets = [node.target]
    else:
        return set()
    return {t.id for t in targets if isinstance(t, ast.Name)}


def _mutable_helpers(tree: ast.Module) -> set[str]:
    """Module-level names the candidate binds to a mutable container."""
    found: set[str] = set()
    for node in tree.body:
        value = node.value if isinstance(node, (ast.Assign, ast.AnnAssign)) else None
        if value is not None and is_container(value):
            found |= _bound(node)
    return found


def is_container(value: ast.expr) -> bool:
    containers = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
    call = value.func if isinstance(value, ast.Call) else None
    name = call.id if isinstance(call, ast.Name) else getattr(call, "attr", None)
    return isinstance(value, containers) or name in CONTAINER_FACTORIES
