"""Split source text into tokens, each with its 1-based line and column."""

from __future__ import annotations

import re
from dataclasses import dataclass

KEYWORDS = frozenset({"let", "if", "else", "while", "print"})

SPEC = [
    ("NUMBER", r"\d+(?:\.\d+)?"),
    ("NAME", r"[A-Za-z_]\w*"),
    ("STRING", r'"[^"\n]*"'),
    ("OP", r"==|!=|<=|>=|[-+*/=<>(){};]"),
    ("NEWLINE", r"\n"),
    ("SPACE", r"[ \t]+"),
    ("COMMENT", r"#[^\n]*"),
]
PATTERN = re.compile("|".join(f"(?P<{kind}>{regex})" for kind, regex in SPEC))


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int
    column: int


class LexError(Exception):
    pass


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    line, line_start = 1, 0
    pos = 0
    while pos < len(source):
        match = PATTERN.match(source, pos)
        if match is None:
            column = pos - line_start + 1
            raise LexError(f"unexpected {source[pos]!r} at line {line}, column {column}")
        kind, text, end = match.lastgroup or "", match.group(), match.end()
        if kind == "NEWLINE":
            line += 1
            line_start = pos
        elif kind not in ("SPACE", "COMMENT"):
            if kind == "NAME" and text in KEYWORDS:
                kind = "KEYWORD"
            tokens.append(Token(kind, text, line, pos - line_start + 1))
        pos = end
    return tokens
