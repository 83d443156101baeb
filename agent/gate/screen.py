"""The static screen: what a candidate must not do, whatever the tests say.

A rewrite that makes a function faster never needs to end the process, reach into the test
framework, patch other code, read the repository's files about itself, look at how it is being
run, or keep state across calls that no test can see. Those are how a candidate games a gate, so
the screen rejects them on sight, before anything runs. The runtime checks (tamper evidence from
the probe, hidden test files during replay, test-file hashes after the suite) back it up for what
a static look cannot see; the screen only has to catch the obvious forms, cheaply, and never an
honest rewrite.

Each finding quotes the line and says what to do; the screen looks only at code the candidate adds
or changes compared with the original function, so a function that already prints or mutates a
module-level registry keeps doing so. A forbidden module the original uses (pickle, threading)
and a few of the attributes (the environment, the command line, raw file descriptors) it may use
anywhere, not only on the same line.

    screen_rules.py   the tables (modules, attributes, calls, names, strings) and the reasons
    screen_scope.py   what the candidate's names are bound to (imports, locals, module names)
    screen_state.py   state across calls (memos wherever they hide) and patching other modules
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from sandbox.layout import TEST_PATH_HINTS

from .screen_rules import (
    FORBIDDEN_CALLS,
    FORBIDDEN_MODULES,
    FORBIDDEN_NAMES,
    GAMING,
    KEPT_IF_THE_ORIGINAL_USES,
    PROBE_STRINGS,
    PROBING,
    TEST_FILES,
    UNMISTAKABLE_MODULES,
    attribute_why,
    is_test_module,
)
from .screen_scope import Scope, read_scope, top_level_names
from .screen_state import state_hits

__all__ = ["Finding", "screen", "top_level_names"]


@dataclass(frozen=True)
class Finding:
    line: int  # in the candidate's text
    code: str  # the line, stripped
    what: str  # "calls sys.exit", "imports pytest", ...
    why: str  # why that is refused
    capability: str = ""  # the original's use of this excuses it anywhere ("the environment")

    def describe(self) -> str:
        return f"line {self.line} (`{self.code}`) {self.what}: {self.why}."


At = Callable[..., Finding]  # at(node, what, why, capability="") -> the finding on node's line


def screen(
    candidate: str,
    original_function: str,
    module_names: Iterable[str],
    protected: Iterable[str] = (),
) -> list[Finding]:
    """Everything the candidate adds that a performance rewrite must not do, by line.

    `original_function` is the function's source as it is in the module (its findings are
    subtracted: a function may keep doing what it already did); `module_names` are the names
    bound at the module's top level (imports, functions, classes, constants); `protected` are
    the repo's protected files (its layout's), whose paths a candidate must not name either.
    """
    try:
        tree = ast.parse(candidate)
    except SyntaxError:
        return []  # the rewrite engine rejects it with the parser's message
    names = set(module_names) | top_level_names(tree)
    hints = (*TEST_PATH_HINTS, *protected)
    original = textwrap.dedent(original_function)
    before = list(_findings(_parse_quietly(original), original.splitlines(), names, hints))
    already = {(f.what, f.code) for f in before}
    excused = {f.capability for f in before if f.capability}
    found = [
        f
        for f in _findings(tree, candidate.splitlines(), names, hints)
        if (f.what, f.code) not in already and f.capability not in excused
    ]
    return sorted(dict.fromkeys(found), key=lambda f: f.line)


def _parse_quietly(text: str) -> ast.Module:
    try:
        return ast.parse(text)
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])


def _findings(
    tree: ast.Module, lines: list[str], module_names: set[str], hints: tuple[str, ...]
) -> Iterator[Finding]:
    def at(node: ast.AST, what: str, why: str, capability: str = "") -> Finding:
        number = getattr(node, "lineno", 0)
        code = lines[number - 1].strip() if 0 < number <= len(lines) else ""
        return Finding(number, code, what, why, capability)

    scope = read_scope(tree, module_names)
    # docstrings and other bare strings: nothing reads them, so they may mention anything
    inert = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Expr)}
    for node in ast.walk(tree):
        yield from _import_findings(node, at)
        yield from _use_findings(node, scope, at)
        yield from _string_findings(node, hints, id(node) in inert, at)
    for node, what, why in state_hits(tree, scope):
        yield at(node, what, why)


def _import_findings(node: ast.AST, at: At) -> Iterator[Finding]:
    if isinstance(node, ast.Import):
        modules = [a.name for a in node.names]
    elif isinstance(node, ast.ImportFrom):
        source = "." * node.level + (node.module or "")
        modules = [source] if node.module else []
        modules += [f"{source}.{a.name}" for a in node.names if is_test_module(a.name)]
    else:
        return
    for module in modules:
        root = module.split(".")[0]
        if is_test_module(module):
            yield at(node, f"imports {module.lstrip('.')} (the repository's tests)", TEST_FILES)
        elif root in FORBIDDEN_MODULES:  # a relative import's root is "": the package's own
            yield at(node, f"imports {module} ({FORBIDDEN_MODULES[root]})", GAMING, root)


def _use_findings(node: ast.AST, scope: Scope, at: At) -> Iterator[Finding]:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        yield from _attribute_findings(node, node.value.id, scope, at)
    elif isinstance(node, ast.Name):
        full = scope.aliases.get(node.id, "")
        module, _, attribute = full.rpartition(".")
        if module and (why := attribute_why(module, attribute)) is not None:
            yield at(node, f"uses {full} ({why})", GAMING, KEPT_IF_THE_ORIGINAL_USES.get(full, ""))
        elif node.id in FORBIDDEN_NAMES:
            yield at(node, f"uses {node.id} ({FORBIDDEN_NAMES[node.id]})", GAMING)
        elif node.id in FORBIDDEN_CALLS and not _shadowed(node.id, scope):
            how = f"calls {node.id}()" if id(node) in scope.callees else f"uses {node.id}"
            yield at(node, f"{how} ({FORBIDDEN_CALLS[node.id]})", GAMING)
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == "__del__":
        yield at(node, f"defines __del__ ({FORBIDDEN_NAMES['__del__']})", GAMING)


def _attribute_findings(node: ast.Attribute, name: str, scope: Scope, at: At) -> Iterator[Finding]:
    """`sys.exit`, `os.environ`, and, for a forbidden module the module imports at its top level
    (so the candidate need not), any attribute of it: `subprocess.run`."""
    module = scope.aliases.get(name) or (name if name in scope.outside else "")
    subject = f"{module}.{node.attr}"
    if (why := attribute_why(module, node.attr)) is not None:
        yield at(
            node, f"uses {subject} ({why})", GAMING, KEPT_IF_THE_ORIGINAL_USES.get(subject, "")
        )
    elif name not in scope.aliases and module in UNMISTAKABLE_MODULES:
        yield at(node, f"uses {subject} ({FORBIDDEN_MODULES[module]})", GAMING, module)


def _shadowed(name: str, scope: Scope) -> bool:
    """`compile` after `from re import compile`, or a local named `exit`: not the builtin."""
    return name in scope.aliases or name in scope.outside or name in scope.local


def _string_findings(
    node: ast.AST, hints: tuple[str, ...], inert: bool, at: At
) -> Iterator[Finding]:
    value = node.value if isinstance(node, ast.Constant) else None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    if not isinstance(text, str):
        return
    if any(hint in text for hint in hints):
        yield at(node, f"names a test file ({text[:40]!r})", TEST_FILES)
    elif not inert:
        lowered = text.lower()
        for probe, why in PROBE_STRINGS.items():
            if probe in lowered:
                yield at(node, f"names {text[:40]!r} ({why})", PROBING)
                return
