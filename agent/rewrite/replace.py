"""replace_function: put a candidate's body in place of a function's, keeping every other byte.

What comes from where:
- from the module: the comment and blank lines above the def, the decorators, the def line(s)
  up to and including the colon and its trailing comment, and the comment lines after the body;
- from the candidate: the body, its new imports (after the module's imports) and its helpers
  (before the top-level statement holding the target), and its decorators only when it says why
  on a comment line `# ratchet: decorators changed because <why>` outside the def's body.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import libcst as cst

from .additions import plan_additions
from .candidate import Candidate, read_candidate
from .index import Definition, ModuleIndex, index_module
from .locate import find
from .outcomes import Rejected, Replaced
from .signature import (
    DECORATORS_MARKER,
    decorator_changes,
    render_signature,
    signature_changes,
)
from .splice import apply, edits_for, unified_diff
from .text import Lines, compile_quietly


def replace_function(
    source: str | bytes,
    qualname: str,
    candidate: str,
    *,
    path: str = "<module>",
    line: int | None = None,
) -> Replaced | Rejected:
    """Replace the body of function `qualname` of `source` (a module's text, or its bytes, which
    must be UTF-8) with the candidate's; never raises for bad input. `line` picks one of several
    definitions of the same name (any line of the one meant). `path` is used in messages and in
    the diff headers (`a/<path>`, `b/<path>`). `Replaced.source` is text even for bytes: write
    it back with `.encode("utf-8")` (newlines and a byte-order mark are kept as they were)."""
    index = index_module(source, path)
    if isinstance(index, Rejected):
        return index
    target = find(index, qualname, path=path, line=line)
    if isinstance(target, Rejected):
        return target
    assert isinstance(target.node, cst.FunctionDef)
    read = read_candidate(candidate, target.name)
    if isinstance(read, Rejected):
        return read
    try:
        return _replace(index, target, read, path)
    except RecursionError:
        return Rejected(
            "candidate-syntax",
            "The candidate nests expressions deeper than libcst can handle (Python's recursion "
            "limit); split the deepest expression into steps.",
        )


def _replace(
    index: ModuleIndex, target: Definition, read: Candidate, path: str
) -> Replaced | Rejected:
    assert isinstance(target.node, cst.FunctionDef)
    merged = merge(target.node, read, target.qualname)
    if isinstance(merged, Rejected):
        return merged
    function, reason = merged
    additions = plan_additions(read, index, path)
    if isinstance(additions, Rejected):
        return additions
    text = apply(index.text, edits_for(index, target, function, additions))
    if text == index.text:
        return Replaced(index.bom + text, "")
    if (problem := _compile_problem(index.text, text, path)) is not None:
        return problem
    return Replaced(index.bom + text, unified_diff(index.text, text, path), reason)


def merge(
    old: cst.FunctionDef, candidate: Candidate, qualname: str
) -> tuple[cst.FunctionDef, str | None] | Rejected:
    """The module's def with the candidate's body (and decorators, when it says why)."""
    new = candidate.function
    if changes := signature_changes(old, new):
        return Rejected(
            "signature",
            f"The signature of `{qualname}` changed: {'; '.join(changes)}. Keep it exactly "
            f"`{render_signature(old)}` and change only the body.",
        )
    merged = old.with_changes(body=_body(old.body, new.body))
    if not (moved := decorator_changes(old, new)):
        return merged, None
    if (reason := candidate.decorators_reason) is None:
        return Rejected(
            "decorators",
            f"The decorators of `{qualname}` changed: {'; '.join(moved)}. Keep them as they "
            "are, or say why on a comment line `# ratchet: decorators changed because <why>` "
            "above the def.",
        )
    decorators = [d.with_changes(leading_lines=_unmarked(d.leading_lines)) for d in new.decorators]
    return merged.with_changes(decorators=decorators), reason


def _unmarked(lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    return [
        line
        for line in lines
        if not (line.comment and DECORATORS_MARKER.search(line.comment.value))
    ]


def _body(old: cst.BaseSuite, new: cst.BaseSuite) -> cst.BaseSuite:
    """The candidate's body, indented in the unit the module's body used, under the module's
    def line and followed by the comment lines the module's body owned."""
    if not (isinstance(old, cst.IndentedBlock) and isinstance(new, cst.IndentedBlock)):
        return new
    if old.indent is not None:
        reindented = new.visit(_Reindent(old.indent))
        assert isinstance(reindented, cst.IndentedBlock)
        new = reindented
    return new.with_changes(header=old.header, footer=old.footer)


class _Reindent(cst.CSTTransformer):
    """Blocks written in the candidate's own indentation unit take the module body's unit."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if updated_node.indent is None:
            return updated_node.with_changes(indent=self.unit)
        return updated_node


def _compile_problem(before: str, after: str, path: str) -> Rejected | None:
    """A rejection when the new text does not compile here but the old one did."""
    if not _compiles(before):
        return None  # newer syntax than this interpreter knows: leave it to the gate
    try:
        compile_quietly(after)
    except SyntaxError as exc:
        quoted = Lines.of(after).line(exc.lineno or 0).strip()
        where = f"line {exc.lineno}" + (f" (`{quoted}`)" if quoted else "")
        return Rejected(
            "compile",
            f"With the candidate in place {path} no longer compiles: {exc.msg} at {where}; "
            "send a body that is valid in its place.",
        )
    return None


@functools.lru_cache(maxsize=8)
def _compiles(text: str) -> bool:
    try:
        compile_quietly(text)
    except SyntaxError:
        return False
    return True
