"""Writing the new module as edits to the old text: every byte outside the edits is the old byte.

Three edits at most: the new imports after the module's imports, the new helpers before the
top-level statement that holds the target, and the target itself (from its first decorator to
the end of its body; the comment and blank lines above it are not touched).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from .additions import Additions
from .index import Definition, ModuleIndex

LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+\Z")


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    text: str


def edits_for(
    index: ModuleIndex, target: Definition, new: cst.FunctionDef, add: Additions
) -> list[Edit]:
    edits = [Edit(target.start, target.end, render_at(index, target, new))]
    if add.imports:
        edits.insert(0, _imports_edit(index, add.imports))
    if add.helpers:
        edits.insert(-1, _helpers_edit(index, target, add.helpers))
    return edits


def apply(text: str, edits: Sequence[Edit]) -> str:
    """The text with the edits applied; edits are in order and do not overlap."""
    pieces, cursor = [], 0
    for edit in edits:
        pieces += [text[cursor : edit.start], edit.text]
        cursor = edit.end
    return "".join([*pieces, text[cursor:]])


def render_at(index: ModuleIndex, target: Definition, node: cst.FunctionDef) -> str:
    """The function's code at its place: its enclosing blocks' indentation, the module's
    newline; without the comment and blank lines above it (those stay as they are)."""
    module = index.module
    tree: cst.BaseStatement = node.with_changes(leading_lines=())
    for block in reversed(target.blocks):
        tree = cst.If(cst.Name("True"), cst.IndentedBlock([tree], indent=block.indent))
    code = module.with_changes(body=[tree], header=(), footer=(), has_trailing_newline=True).code
    indent, prefix = "", ""
    for block in target.blocks:
        prefix += f"{indent}if True:{module.default_newline}"
        indent += module.default_indent if block.indent is None else block.indent
    assert code.startswith(prefix), "libcst rendered an unexpected wrapper"
    code = code[len(prefix) :]
    if target.end == len(index.text) and not module.has_trailing_newline:
        code = re.sub(r"(\r\n?|\n)\Z", "", code)
    return code


def _imports_edit(index: ModuleIndex, imports: Sequence[cst.SimpleStatementLine]) -> Edit:
    module, newline = index.module, index.module.default_newline
    text = "".join(module.code_for_node(line.with_changes(leading_lines=())) for line in imports)
    body = module.body
    docstring = bool(body) and _is_docstring(body[0])
    last = None
    for statement in body[1 if docstring else 0 :]:
        if isinstance(statement, cst.BaseCompoundStatement):
            break
        if _is_import_line(statement):
            last = statement
    if last is not None:
        at = _offset_after(index, last)
        return Edit(at, at, text)
    if docstring:
        at = _offset_after(index, body[0])
        return Edit(at, at, newline + text + ("" if _opens_with_blank(body, 1) else newline))
    at = index.span(body[0])[0] if body else len(index.text)
    return Edit(at, at, text + ("" if _opens_with_blank(body, 0) else newline))


def _helpers_edit(
    index: ModuleIndex, target: Definition, helpers: Sequence[cst.BaseStatement]
) -> Edit:
    module, newline = index.module, index.module.default_newline
    first, *rest = helpers
    if isinstance(first, (cst.SimpleStatementLine, cst.FunctionDef, cst.ClassDef)):
        lines = list(first.leading_lines)
        while lines and lines[0].comment is None:
            lines.pop(0)
        first = first.with_changes(leading_lines=lines)
    text = "".join(module.code_for_node(h) for h in (first, *rest)) + newline * 2
    top = module.body[target.top]
    blank = 0
    for line in getattr(top, "leading_lines", ()):
        if line.comment is not None:
            break
        blank += 1
    at = index.lines.offset(index.lines.line_of(index.span(top)[0]) + blank)
    return Edit(at, at, text)


def _offset_after(index: ModuleIndex, statement: cst.CSTNode) -> int:
    return index.span(statement)[1]


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _is_import_line(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
    )


def _opens_with_blank(body: Sequence[cst.BaseStatement], at: int) -> bool:
    if at >= len(body):
        return True
    lines: Sequence[cst.EmptyLine] = getattr(body[at], "leading_lines", ())
    return bool(lines) and lines[0].comment is None


def unified_diff(before: str, after: str, path: str) -> str:
    """A unified diff with a/ and b/ headers that `git apply` and `patch -p1` accept."""
    pieces: list[str] = []
    old, new = LINE.findall(before), LINE.findall(after)
    for piece in difflib.unified_diff(old, new, f"a/{path}", f"b/{path}"):
        pieces.append(piece)
        if not piece.endswith(("\n", "\r")):
            pieces.append("\n\\ No newline at end of file\n")
    return "".join(pieces)
