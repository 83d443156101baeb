"""The screen's rules about state kept across calls, and about code patched from outside.

A memo is the cheapest way to look faster: the second call with the same arguments does no work,
and no test sees the difference. The gate measures and replays single calls, so a memo that
outlives a call is refused wherever it hides: a module-level container, an object of the
candidate's own class, functools' caches (as a decorator or a call), the closure of a decorator or
factory that runs once at import, an attribute of a function, a mutable default argument, or
another module's namespace. Rebinding an attribute of an imported module, or reaching a namespace
through `vars(mod)` or `mod.__dict__`, patches code the rewrite does not own.

Everything here reads the candidate's tree and its `Scope`; `screen.py` turns each hit into a
finding that quotes the line.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from .screen_rules import (
    CACHE_DECORATORS,
    CACHE_FACTORIES,
    MUTATING_METHODS,
    PATCH,
    STATE,
)
from .screen_scope import FUNCTIONS, Function, Scope, is_container, parameters

Hit = tuple[ast.AST, str, str]  # (node, what it does, why that is refused)


def state_hits(tree: ast.Module, scope: Scope) -> Iterator[Hit]:
    for node in ast.walk(tree):
        yield from _declarations(node)
        yield from _memo_objects(node, scope)
        yield from _cache_wrappers(node, scope)
        yield from _namespaces(node, scope)
        yield from _stores(node, scope)
    defined = [n for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
    for function in defined:
        if function.name in scope.run_once:
            yield from _closure_memos(function, frozenset(), function.name)
    yield from _default_memos(tree)


def _declarations(node: ast.AST) -> Iterator[Hit]:
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        kind = "global" if isinstance(node, ast.Global) else "nonlocal"
        yield node, f"declares `{kind} {', '.join(node.names)}`", STATE


def _memo_objects(node: ast.AST, scope: Scope) -> Iterator[Hit]:
    """A method call on a module-level object of the candidate's own class, or a function
    wrapped in one (`@Memo`)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        owner = node.func.value
        if isinstance(owner, ast.Name) and owner.id in scope.instances:
            yield node, f"calls .{node.func.attr}() on its own module-level `{owner.id}`", STATE
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if isinstance(target, ast.Name) and target.id in scope.classes:
                yield decorator, f"wraps `{node.name}` in an object of its own class", STATE


def _cache_wrappers(node: ast.AST, scope: Scope) -> Iterator[Hit]:
    """`@lru_cache`, `@functools.cache`, and `functools.lru_cache(maxsize=None)(f)` as a call."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
            if name in CACHE_DECORATORS:
                yield decorator, f"caches results with @{name}", STATE
    elif isinstance(node, ast.Call) and id(node) not in scope.decorators:
        called = _dotted(node.func, scope.aliases)
        if called in CACHE_FACTORIES and _name_of(node.func) not in scope.local:
            yield node, f"caches results with {called}()", STATE


def _namespaces(node: ast.AST, scope: Scope) -> Iterator[Hit]:
    """`NAME.__dict__` and `vars(NAME)` for a name the function does not own."""
    if isinstance(node, ast.Attribute) and node.attr == "__dict__":
        reached, how = node.value, f"{_name_of(node.value)}.__dict__"
    elif (
        isinstance(node, ast.Call)
        and _name_of(node.func) == "vars"
        and "vars" not in scope.local | scope.outside
        and len(node.args) == 1
    ):
        reached, how = node.args[0], f"vars({_name_of(node.args[0])})"
    else:
        return
    name = _name_of(reached)
    if not name or name in scope.local or name not in scope.outside | set(scope.aliases):
        return
    if name in scope.functions:
        yield node, f"keeps state in the attributes of the function `{name}` ({how})", STATE
    else:
        yield node, f"reaches the namespace of `{name}` ({how})", PATCH


def _stores(node: ast.AST, scope: Scope) -> Iterator[Hit]:
    stored = _stored_into(node)
    if stored is None:
        return
    base, how, path = stored
    if base in scope.local or "__dict__" in path:
        return  # a local, or a namespace (`_namespaces` says which)
    if base in scope.functions:
        yield node, f"keeps state in an attribute of the function `{base}`", STATE
    elif how.endswith("an attribute of") and (base in scope.aliases or base in scope.outside):
        yield node, f"{how} `{base}`", PATCH
    elif base in scope.mutable:
        yield node, f"{how} module-level `{base}`", STATE
    elif base in scope.modules and how.startswith("calls") and not path:
        return  # `os.remove(path)`: a module's function, not a container's method
    elif base in scope.aliases:
        yield node, f"{how} `{'.'.join((base, *path))}`, which another module owns", STATE
    elif base in scope.outside:
        yield node, f"{how} module-level `{base}`", STATE


def _closure_memos(function: Function, enclosing: frozenset[str], owner: str) -> Iterator[Hit]:
    """Functions that `function` returns and that mutate a container of an enclosing function:
    when `owner` runs once at import (a decorator, a factory), the container outlives every
    call of what it returned, as a memo does."""
    own = _own_bindings(function)
    names, lambdas = _returned(function)
    for inner in _nested_functions(function):
        name = getattr(inner, "name", None)
        if id(inner) not in lambdas and (name is None or name not in names):
            continue
        cells = (enclosing | own) - _own_bindings(inner)
        for node in ast.walk(inner):
            stored = _stored_into(node)
            if stored is not None and stored[0] in cells:
                yield node, f"keeps `{stored[0]}` in a closure made once by `{owner}`", STATE
        yield from _closure_memos(inner, cells, owner)


def _default_memos(tree: ast.Module) -> Iterator[Hit]:
    """`def f(x, _cache={})` that writes into `_cache`: a container made once, at definition."""
    for function in ast.walk(tree):
        if not isinstance(function, FUNCTIONS):
            continue
        containers = {name for name, value in _defaults(function.args) if is_container(value)}
        if not containers:
            continue
        inside = list(ast.walk(function))
        containers -= {
            n.id for n in inside if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        for node in inside:
            stored = _stored_into(node)
            if stored is not None and stored[0] in containers:
                yield node, f"keeps a cache in the default value of `{stored[0]}`", STATE


def _defaults(arguments: ast.arguments) -> list[tuple[str, ast.expr]]:
    """(parameter, default) pairs: positional defaults belong to the last parameters."""
    positional = [*arguments.posonlyargs, *arguments.args][::-1]
    pairs = [(a.arg, d) for a, d in zip(positional, reversed(arguments.defaults), strict=False)]
    keywords = zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
    return pairs + [(a.arg, d) for a, d in keywords if d is not None]


def _stored_into(node: ast.AST) -> tuple[str, str, tuple[str, ...]] | None:
    """(base name, how, the attributes between) for `NAME[...] = ...`, `NAME.a.b = ...`,
    `del NAME[...]`, `NAME[...] += ...` and `NAME.a.append(...)`-style calls; else None."""
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        targets = [node.target]
    elif isinstance(node, ast.Delete):
        targets = list(node.targets)
    for target in targets:
        if isinstance(target, (ast.Subscript, ast.Attribute)):
            base, path = _chain(target.value)
            if base is not None:
                if isinstance(target, ast.Subscript):
                    return base, "writes into", path
                verb = "deletes" if isinstance(node, ast.Delete) else "sets"
                return base, f"{verb} an attribute of", path
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in MUTATING_METHODS
    ):
        base, path = _chain(node.func.value)
        if base is not None:
            return base, f"calls .{node.func.attr}() on", path
    return None


def _chain(node: ast.expr) -> tuple[str | None, tuple[str, ...]]:
    """The name under `a.b[k].c` and the attribute names above it: ('a', ('b', 'c'))."""
    path: list[str] = []
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        if isinstance(node, ast.Attribute):
            path.append(node.attr)
        node = node.value
    return (node.id if isinstance(node, ast.Name) else None), tuple(reversed(path))


def _name_of(node: ast.expr) -> str:
    return node.id if isinstance(node, ast.Name) else ""


def _dotted(node: ast.expr, aliases: dict[str, str]) -> str:
    """`lru_cache` -> `functools.lru_cache` after `from functools import lru_cache`."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{aliases.get(node.value.id, node.value.id)}.{node.attr}"
    return ""


def _own_nodes(function: Function) -> Iterator[ast.AST]:
    """The nodes of `function`'s body, and the nested functions themselves but not their bodies."""
    pending: list[ast.AST]
    pending = [function.body] if isinstance(function, ast.Lambda) else [*function.body]
    while pending:
        node = pending.pop()
        yield node
        if not isinstance(node, FUNCTIONS):
            pending.extend(ast.iter_child_nodes(node))


def _own_bindings(function: Function) -> frozenset[str]:
    """What `function` binds itself: parameters, assigned names, nested functions' names."""
    found = parameters(function)
    for node in _own_nodes(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.add(node.name)
    return frozenset(found)


def _nested_functions(function: Function) -> Iterator[Function]:
    for node in _own_nodes(function):
        if isinstance(node, FUNCTIONS):
            yield node


def _returned(function: Function) -> tuple[set[str], set[int]]:
    """The names and the lambdas (by id) that `function` returns, bare or wrapped."""
    values: list[ast.AST] = [function.body] if isinstance(function, ast.Lambda) else []
    values += [n.value for n in _own_nodes(function) if isinstance(n, ast.Return) and n.value]
    inside = [n for value in values for n in ast.walk(value)]
    names = {n.id for n in inside if isinstance(n, ast.Name)}
    return names, {id(n) for n in inside if isinstance(n, ast.Lambda)}
