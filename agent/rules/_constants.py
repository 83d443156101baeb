"""Constant literal displays, and the module-level helper constants rules hoist them into."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import libcst as cst

from ._blocks import spelled_names


def constant_codes(expression: cst.BaseExpression) -> tuple[str, ...]:
    """The source of each element when `expression` is a list, tuple or set display of constant
    literals only; else ()."""
    if not isinstance(expression, (cst.List, cst.Tuple, cst.Set)):
        return ()
    values = [e.value for e in expression.elements if isinstance(e, cst.Element)]
    if len(values) != len(expression.elements) or not all(map(_constant, values)):
        return ()
    return tuple(cst.Module([]).code_for_node(v) for v in values)


def _constant(value: cst.BaseExpression) -> bool:
    if isinstance(value, cst.UnaryOperation) and isinstance(value.operator, cst.Minus):
        return isinstance(value.expression, (cst.Integer, cst.Float))
    if isinstance(value, cst.ConcatenatedString):
        return _constant(value.left) and _constant(value.right)
    if isinstance(value, cst.Name):
        return value.value in ("True", "False", "None")
    return isinstance(value, (cst.SimpleString, cst.Integer, cst.Float))


def helper_names(function: cst.FunctionDef, module: cst.Module) -> Iterator[str]:
    """`_RATCHET_<FUNC>_1`, `_2`, ...: module-level names neither the module nor function uses.
    The names in use are looked up only when the first is asked for."""
    taken = spelled_names(module) | spelled_names(function)
    stem = f"_RATCHET_{function.name.value.upper()}"
    yield from (f"{stem}_{n}" for n in itertools.count(1) if f"{stem}_{n}" not in taken)


def frozenset_helper(name: str, codes: tuple[str, ...]) -> str:
    """`name = frozenset({...})`, wrapped to 100 columns."""
    line = f"{name} = frozenset({{{', '.join(codes)}}})"
    if len(line) <= 100:
        return line
    rows: list[list[str]] = [[]]
    for code in codes:
        if rows[-1] and len(", ".join([*rows[-1], code])) > 91:
            rows.append([])
        rows[-1].append(code)
    body = "\n".join(f"        {', '.join(row)}," for row in rows)
    return f"{name} = frozenset(\n    {{\n{body}\n    }}\n)"
