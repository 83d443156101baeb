"""What the LLM sees besides the function, by budget tier (DESIGN.md, memory tiers L0-L1).

| tier   | context                                                              |
|--------|----------------------------------------------------------------------|
| medium | the function, rejection evidence, argument types recorded in tests  |
| large  | + the signatures (and first docstring line) of the module's functions |
|        |   it calls                                                           |

Pure: values in, lines out.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from agent.gate import Target
from profilers.behaviour import Recording


@dataclass(frozen=True)
class PromptContext:
    arguments: tuple[str, ...] = ()
    callees: tuple[str, ...] = ()


def build_context(target: Target, recording: Recording, size: str) -> PromptContext:
    if size == "small":
        return PromptContext()
    arguments = tuple(recording.argument_types)
    if recording.calls:
        arguments += (f"{recording.calls} calls recorded while the tests ran",)
    callees = callee_signatures(target) if size == "large" else ()
    return PromptContext(arguments, callees)


def callee_signatures(target: Target) -> tuple[str, ...]:
    """`def name(args) -> ret: first docstring line` for each module-level function or class
    of the target's module that the target calls by name."""
    try:
        module = ast.parse(target.source)
    except SyntaxError:
        return ()
    function = _find(module, target.qualname.split("."))
    if function is None:
        return ()
    called = {
        node.func.id
        for node in ast.walk(function)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    found = []
    for node in module.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name in called:
            found.append(_signature(node))
    return tuple(found)


def _find(module: ast.Module, parts: list[str]) -> ast.AST | None:
    scope: list[ast.stmt] = module.body
    node: ast.AST | None = None
    for part in parts:
        node = next(
            (n for n in scope if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == part),
            None,
        )
        if node is None:
            return None
        scope = node.body
    return node


def _signature(node: ast.FunctionDef | ast.ClassDef) -> str:
    if isinstance(node, ast.ClassDef):
        head = f"class {node.name}"
    else:
        returns = f" -> {ast.unparse(node.returns)}" if node.returns else ""
        head = f"def {node.name}({ast.unparse(node.args)}){returns}"
    doc = (ast.get_docstring(node) or "").strip().splitlines()
    return f"{head}: {doc[0]}" if doc else head
