"""Where each statement of a module starts and ends, as character offsets.

libcst's WhitespaceInclusivePositionProvider answers this for every node, at about six times the
cost of printing the module. The engine needs statements only, so it prints the module once with
a codegen state that counts characters and keeps the spans of statements. That state is a libcst
internal (unchanged across libcst 1.x); `public_spans` gives the same answer the public way, and
a test holds the two equal.
"""

from __future__ import annotations

from collections.abc import Mapping

import libcst as cst
from libcst._nodes.internal import CodegenState
from libcst.metadata import MetadataWrapper, WhitespaceInclusivePositionProvider

from .text import Lines

Spans = Mapping[cst.CSTNode, tuple[int, int]]  # statement -> (start, end), leading lines included


def statement_spans(module: cst.Module, text: str) -> Spans:
    """The spans of every statement of `module`, which was parsed from `text`."""
    state = _Counting(module)
    module._codegen(state)
    if "".join(state.tokens) != text:  # pragma: no cover - libcst did not round-trip
        return public_spans(module, text)
    return {node: (start, min(end, len(text))) for node, (start, end) in state.spans.items()}


def public_spans(module: cst.Module, text: str) -> Spans:
    """The same spans through libcst's public (slower) position provider."""
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(
        WhitespaceInclusivePositionProvider
    )
    lines = Lines.of(text)
    return {
        node: (lines.offset(r.start.line, r.start.column), lines.offset(r.end.line, r.end.column))
        for node, r in positions.items()
        if isinstance(node, cst.BaseStatement)
    }


class _Counting(CodegenState):
    def __init__(self, module: cst.Module) -> None:
        super().__init__(
            default_indent=module.default_indent, default_newline=module.default_newline
        )
        self.offset = 0
        self.stack: list[int] = []
        self.spans: dict[cst.CSTNode, tuple[int, int]] = {}

    def add_indent_tokens(self) -> None:
        self.tokens.extend(self.indent_tokens)
        self.offset += sum(map(len, self.indent_tokens))

    def add_token(self, value: str) -> None:
        self.tokens.append(value)
        self.offset += len(value)

    def pop_trailing_newline(self) -> None:
        if self.tokens:
            self.offset -= len(self.tokens.pop())

    def before_codegen(self, node: cst.CSTNode) -> None:
        self.stack.append(self.offset)

    def after_codegen(self, node: cst.CSTNode) -> None:
        start = self.stack.pop()
        if isinstance(node, cst.BaseStatement):
            self.spans[node] = (start, self.offset)
