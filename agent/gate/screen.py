"""The static screen: what a candidate must not do, whatever the tests say.

A rewrite that makes a function faster never needs to end the process, reach into the test
framework, patch other code, read the repository's files about itself, or keep state across calls
that no test can see. Those are how a candidate games a gate, so the screen rejects them on sight,
before anything runs. The runtime checks (tamper evidence from the probe, hidden test files during
replay, test-file hashes after the suite) back it up for what a static look cannot see.

Each finding quotes the line and says what to do; the screen looks only at code the candidate adds
or changes compared with the original function, so a function that already prints or mutates a
module-level registry keeps doing so.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sandbox.layout import TEST_PATH_HINTS

# Modules a candidate may not import: the test framework, the probe, and the process's insides.
FORBIDDEN_MODULES = {
    "pytest": "the test framework",
    "_pytest": "the test framework",
    "pluggy": "the test framework's plugin system",
    "unittest": "a test framework",
    "ratchet_probe": "Ratchet's own probe",
    "ctypes": "raw memory access",
    "gc": "the garbage collector",
    "inspect": "frame and source introspection",
    "builtins": "the builtins",
    "atexit": "process exit hooks",
    "signal": "signal handlers",
    "faulthandler": "process crash hooks",
    "importlib": "the import system",
    "subprocess": "new processes",
    "multiprocessing": "new processes",
    "threading": "threads that outlive the call",
    "socket": "the network",
}
# Attributes of modules that end the process, reach the interpreter's state or start programs.
FORBIDDEN_ATTRIBUTES = {
    ("sys", "exit"): "ends the process",
    ("sys", "modules"): "reaches into every loaded module",
    ("sys", "settrace"): "installs a tracer",
    ("sys", "setprofile"): "installs a profiler",
    ("sys", "_getframe"): "reads the caller's frames",
    ("sys", "meta_path"): "patches the import system",
    ("os", "_exit"): "ends the process",
    ("os", "kill"): "signals processes",
    ("os", "abort"): "ends the process",
    ("os", "system"): "runs a shell",
    ("os", "fork"): "starts a process",
    ("os", "popen"): "runs a shell",
    ("os", "environ"): "reads the environment, which differs between test and measured runs",
    ("os", "getenv"): "reads the environment, which differs between test and measured runs",
    ("sys", "argv"): "reads the command line, which differs between test and measured runs",
    ("sys", "gettrace"): "looks for a tracer, as a measured run has",
    ("sys", "getprofile"): "looks for a profiler, as a measured run has",
}
FORBIDDEN_CALLS = {
    "exit": "ends the process",
    "quit": "ends the process",
    "exec": "runs code it builds at run time",
    "eval": "runs code it builds at run time",
    "compile": "builds code at run time",
    "__import__": "imports by name at run time",
    "globals": "reaches the module's namespace",
    "breakpoint": "stops in a debugger",
    "setattr": "rebinds attributes by name",
    "delattr": "deletes attributes by name",
}
FORBIDDEN_NAMES = {
    "__file__": "locates the repository's files",
    "__builtins__": "reaches the builtins",
    "__loader__": "reaches the import system",
    "__spec__": "reaches the import system",
    "SystemExit": "ends the process",
    "KeyboardInterrupt": "interrupts the test run",
}
CACHE_DECORATORS = {"lru_cache", "cache", "cached_property", "memoize"}
MUTATING_METHODS = {
    "append",
    "extend",
    "insert",
    "update",
    "setdefault",
    "add",
    "pop",
    "popitem",
    "clear",
    "remove",
    "discard",
    "__setitem__",
    "appendleft",
}


@dataclass(frozen=True)
class Finding:
    line: int  # in the candidate's text
    code: str  # the line, stripped
    what: str  # "calls sys.exit", "imports pytest", ...
    why: str  # why that is refused

    def describe(self) -> str:
        return f"line {self.line} (`{self.code}`) {self.what}: {self.why}."


def screen(
    candidate: str,
    original_function: str,
    module_names: Iterable[str],
    protected: Iterable[str] = (),
) -> list[Finding]:
    """Everything the candidate adds that a performance rewrite must not do.

    `original_function` is the function's source as it is in the module (its findings are
    subtracted: a function may keep doing what it already did); `module_names` are the names
    bound at the module's top level (imports, functions, classes, constants); `protected` are
    the repo's protected files (its layout's), whose paths a candidate must not name either.
    """
    try:
        tree = ast.parse(candidate)
    except SyntaxError:
        return []  # the rewrite engine rejects it with the parser's message
    lines = candidate.splitlines()
    names = set(module_names) | top_level_names(tree)
    hints = (*TEST_PATH_HINTS, *protected)
    original = textwrap.dedent(original_function)
    found_before = _findings(_parse_quietly(original), original.splitlines(), names, hints)
    already = {(f.what, f.code) for f in found_before}
    return [f for f in _findings(tree, lines, names, hints) if (f.what, f.code) not in already]


def _parse_quietly(text: str) -> ast.Module:
    try:
        return ast.parse(text)
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])


def _local_names(tree: ast.Module) -> set[str]:
    """Names bound inside any function of the candidate (parameters, assignments, loop targets),
    minus those it declares global: writes into them are writes into locals."""
    local: set[str] = set()
    declared: set[str] = set()
    for function in ast.walk(tree):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        arguments = function.args
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        local |= {a.arg for a in every}
        for node in ast.walk(function):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                local.add(node.id)
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                declared |= set(node.names)
    return local - declared


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


def _findings(
    tree: ast.Module, lines: list[str], module_names: set[str], hints: tuple[str, ...]
) -> Iterator[Finding]:
    def at(node: ast.AST, what: str, why: str) -> Finding:
        number = getattr(node, "lineno", 0)
        code = lines[number - 1].strip() if 0 < number <= len(lines) else ""
        return Finding(number, code, what, why)

    aliases = _module_aliases(tree)
    mutable = _mutable_helpers(tree)
    instances = _instances(tree)
    module_names = module_names - _local_names(tree)
    for node in ast.walk(tree):
        yield from _import_findings(node, at)
        yield from _call_findings(node, aliases, at)
        yield from _state_findings(node, module_names, mutable, instances, aliases, at)
        text = node.value if isinstance(node, ast.Constant) else None
        if isinstance(text, str) and any(hint in text for hint in hints):
            yield at(node, f"names a test file ({text[:40]!r})", _TEST_FILES)


_GAMING = "a rewrite must not reach into the test run or the process; remove it"
_TEST_FILES = "a rewrite must not read the tests (expected values come from the code, not them)"
_PATCH = (
    "a rewrite changes only its own function; patching other code changes what the tests and "
    "the measurement see"
)
_STATE = (
    "state kept across calls is invisible to the tests and to replay, so the gate cannot prove "
    "it correct; compute the result from the arguments alone"
)


def _import_findings(node: ast.AST, at: Any) -> Iterator[Finding]:
    modules: list[str] = []
    if isinstance(node, ast.Import):
        modules = [a.name for a in node.names]
    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
        modules = [node.module]
    for module in modules:
        root = module.split(".")[0]
        if root in FORBIDDEN_MODULES or module == "unittest.mock":
            yield at(node, f"imports {module} ({FORBIDDEN_MODULES.get(root, 'mocks')})", _GAMING)


def _module_aliases(tree: ast.Module) -> dict[str, str]:
    """Local name -> module for `import os`, `import os as o`; `from os import _exit` maps
    `_exit` to `os._exit`."""
    aliases: dict[str, str] = {"sys": "sys", "os": "os"}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _call_findings(node: ast.AST, aliases: dict[str, str], at: Any) -> Iterator[Finding]:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        module = aliases.get(node.value.id, "")
        if (why := FORBIDDEN_ATTRIBUTES.get((module, node.attr))) is not None:
            yield at(node, f"uses {module}.{node.attr} ({why})", _GAMING)
    elif isinstance(node, ast.Name):
        full = aliases.get(node.id, "")
        if "." in full and (why := FORBIDDEN_ATTRIBUTES.get(tuple(full.split(".", 1)))):  # type: ignore[arg-type]
            yield at(node, f"uses {full} ({why})", _GAMING)
        elif node.id in FORBIDDEN_NAMES:
            yield at(node, f"uses {node.id} ({FORBIDDEN_NAMES[node.id]})", _GAMING)
    called = node.func.id if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) else ""
    if (why := FORBIDDEN_CALLS.get(called)) is not None:
        yield at(node, f"calls {called}() ({why})", _GAMING)


def _instances(tree: ast.Module) -> set[str]:
    """Module-level names the candidate binds to an instance of a class it defines itself: any
    method call on one may keep state (a memo object)."""
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
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
    containers = (ast.Dict, ast.List, ast.Set, ast.DictComp, ast.ListComp, ast.SetComp)
    factories = {"dict", "list", "set", "defaultdict", "OrderedDict", "Counter", "deque"}
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            value = node.value
            call = value.func if isinstance(value, ast.Call) else None
            name = call.id if isinstance(call, ast.Name) else getattr(call, "attr", None)
            if isinstance(value, containers) or name in factories or name == "bytearray":
                found |= _bound(node)
    return found


def _state_findings(
    node: ast.AST,
    module_names: set[str],
    mutable: set[str],
    instances: set[str],
    aliases: dict[str, str],
    at: Any,
) -> Iterator[Finding]:
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        kind = "global" if isinstance(node, ast.Global) else "nonlocal"
        yield at(node, f"declares `{kind} {', '.join(node.names)}`", _STATE)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        owner = node.func.value
        if isinstance(owner, ast.Name) and owner.id in instances:
            yield at(
                node, f"calls .{node.func.attr}() on its own module-level `{owner.id}`", _STATE
            )
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            name = target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")
            if name in CACHE_DECORATORS:
                yield at(decorator, f"caches results with @{name}", _STATE)
    stored = _stored_into(node)
    if stored is not None:
        base, how = stored
        if how == "sets an attribute of" and (base in aliases or base in module_names):
            yield at(node, f"{how} `{base}`", _PATCH)
        elif base in mutable or base in module_names:
            yield at(node, f"{how} module-level `{base}`", _STATE)


def _stored_into(node: ast.AST) -> tuple[str, str] | None:
    """(base name, how) for `NAME[...] = ...`, `NAME.attr = ...`, `del NAME[...]`,
    `NAME[...] += ...` and `NAME.append(...)`-style calls; else None."""
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = list(node.targets)
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        targets = [node.target]
    elif isinstance(node, ast.Delete):
        targets = list(node.targets)
    for target in targets:
        if isinstance(target, (ast.Subscript, ast.Attribute)):
            base = _base_name(target.value)
            if base is not None:
                how = "writes into" if isinstance(target, ast.Subscript) else "sets an attribute of"
                return base, how
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in MUTATING_METHODS
    ):
        base = _base_name(node.func.value)
        if base is not None:
            return base, f"calls .{node.func.attr}() on"
    return None


def _base_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None
