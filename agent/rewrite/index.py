"""A parsed module with every function and class definition in it: where each one is (lines and
character offsets), what encloses it, and under which `if`/`try`/... it sits in its scope.

Building an index costs a parse and one code generation pass that records where each statement
starts and ends; the last few indexes are cached by source text, so a batch over one module pays
it once.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import libcst as cst

from .outcomes import Rejected
from .spans import Spans, statement_spans
from .text import BOM, NEWLINE, Lines, code_of, decode, first_line, nesting_problem, parse_problem

Def = cst.FunctionDef | cst.ClassDef


@dataclass(frozen=True, eq=False)
class Definition:
    """One `def` or `class` statement of a module."""

    qualname: str  # relative to the module, without `<locals>`: "Outer.Inner.method", "f.inner"
    node: Def
    parent: int | None  # index of the enclosing definition in ModuleIndex.definitions
    top: int  # index in Module.body of the top-level statement that holds it
    blocks: tuple[cst.IndentedBlock, ...]  # the indented blocks around it, outermost first
    clause: cst.CSTNode | None  # the if/else/try/with/for... clause around it in its scope
    start: int  # offset where its first decorator (or `def`) line begins
    end: int  # offset after its body, including comment lines the body owns
    first_line: int  # the first decorator's line, or the def line
    line: int  # the `def` / `class` line
    last_line: int

    @property
    def name(self) -> str:
        return self.node.name.value

    @property
    def is_function(self) -> bool:
        return isinstance(self.node, cst.FunctionDef)

    @property
    def is_overload(self) -> bool:
        """Decorated with typing.overload: a stub for type checkers that never runs."""
        return any(_is_overload(d.decorator) for d in self.node.decorators)

    @property
    def where(self) -> str:
        """For messages: `line 12`, or `line 12 (under `if sys.version_info >= (3, 8):`)`."""
        if self.clause is None:
            return f"line {self.line}"
        return f"line {self.line} (under `{_header(self.clause)}`)"


def _is_overload(expression: cst.BaseExpression) -> bool:
    if isinstance(expression, cst.Name):
        return expression.value == "overload"
    return isinstance(expression, cst.Attribute) and expression.attr.value == "overload"


def _header(clause: cst.CSTNode) -> str:
    if isinstance(clause, cst.If):
        clause = clause.with_changes(orelse=None)
    return first_line(clause)


@dataclass(frozen=True, eq=False)
class ModuleIndex:
    text: str  # the module without a byte-order mark
    bom: str  # "\ufeff" when the source started with one, else ""
    module: cst.Module
    lines: Lines
    spans: Spans
    definitions: tuple[Definition, ...]

    def span(self, statement: cst.CSTNode) -> tuple[int, int]:
        """Offsets of a statement, the comment and blank lines above it included."""
        return self.spans[statement]

    def line_of(self, statement: cst.CSTNode) -> int:
        """The first line of a statement's own code (after the comment lines above it)."""
        start = self.lines.line_of(self.spans[statement][0])
        return start + len(getattr(statement, "leading_lines", ()))

    def children(self, parent: int | None) -> Iterator[tuple[int, Definition]]:
        for number, definition in enumerate(self.definitions):
            if definition.parent == parent:
                yield number, definition


def index_module(source: str | bytes, path: str = "<module>") -> ModuleIndex | Rejected:
    """Decode, parse and index a module; Rejected("encoding" | "syntax") when it cannot be."""
    text = decode(source)
    if isinstance(text, Rejected):
        return text
    indexed = _index(text)
    if isinstance(indexed, str):
        return Rejected(
            "syntax",
            f"{path} does not parse: {indexed}. Ratchet only rewrites modules it can parse, "
            "so fix the module first.",
        )
    return indexed


@functools.lru_cache(maxsize=8)
def _index(text: str) -> ModuleIndex | str:
    bom = BOM if text.startswith(BOM) else ""
    body = text[len(bom) :]
    if (problem := nesting_problem(body)) is not None:
        return problem
    try:
        module = cst.parse_module(body)
    except cst.ParserSyntaxError as exc:
        return parse_problem(body, exc)
    try:
        spans = statement_spans(module, body)
        lines = Lines.of(body)
        found: list[Definition] = []
        _collect(module.body, _Scope("", None, 0, (), None), _Builder(lines, spans, found))
    except RecursionError:
        return "it nests expressions deeper than libcst can print (Python's recursion limit)"
    return ModuleIndex(body, bom, module, lines, spans, tuple(found))


@dataclass(frozen=True)
class _Scope:
    prefix: str
    parent: int | None
    top: int
    blocks: tuple[cst.IndentedBlock, ...]
    clause: cst.CSTNode | None


@dataclass(frozen=True)
class _Builder:
    lines: Lines
    spans: Spans
    found: list[Definition]

    def add(self, node: Def, scope: _Scope) -> int:
        start, end = self.spans[node]
        first = self.lines.line_of(start) + len(node.leading_lines)
        line = first + len(node.lines_after_decorators)
        line += sum(len(NEWLINE.findall(code_of(d))) for d in node.decorators)
        last = self.lines.line_of(max(end - 1, 0))
        definition = Definition(
            qualname=scope.prefix + node.name.value,
            node=node,
            parent=scope.parent,
            top=scope.top,
            blocks=scope.blocks,
            clause=scope.clause,
            start=self.lines.offset(first),
            end=end,
            first_line=first,
            line=line,
            last_line=max(last, line),
        )
        self.found.append(definition)
        return len(self.found) - 1


def _collect(statements: Sequence[cst.BaseStatement], scope: _Scope, build: _Builder) -> None:
    for index, statement in enumerate(statements):
        here = scope if scope.blocks else replace(scope, top=index)
        if isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            number = build.add(statement, here)
            if isinstance(statement.body, cst.IndentedBlock):
                prefix = f"{here.prefix}{statement.name.value}."
                inner = _Scope(prefix, number, here.top, (*here.blocks, statement.body), None)
                _collect(statement.body.body, inner, build)
        elif isinstance(statement, cst.BaseCompoundStatement):
            for clause, suite in _suites(statement):
                inner = replace(here, blocks=(*here.blocks, suite), clause=clause)
                _collect(suite.body, inner, build)


def _suites(node: cst.CSTNode) -> Iterator[tuple[cst.CSTNode, cst.IndentedBlock]]:
    """The indented blocks of a compound statement (body, elif/else, except, finally, case),
    each with the clause that owns it."""
    for child in node.children:
        if isinstance(child, cst.IndentedBlock):
            yield node, child
        elif not isinstance(child, (cst.BaseExpression, cst.BaseSuite)):
            yield from _suites(child)
