"""Tokens of arithmetic expressions: numbers, the four operators and parentheses."""

from __future__ import annotations

from dataclasses import dataclass

OPERATORS = "+-*/()"


class CalcError(ValueError):
    pass


@dataclass(frozen=True)
class Token:
    kind: str  # "NUM", "OP" or "END"
    text: str
    position: int


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isspace():
            continue
        if char.isdigit() or char == ".":
            start = i
            while i < len(text) and (text[i].isdigit() or text[i] == "."):
                i += 1
            number = text[start:i]
            if number.count(".") > 1 or number == ".":
                raise CalcError(f"bad number {number!r} at {start}")
            tokens.append(Token("NUM", number, start))
        elif char in OPERATORS:
            tokens.append(Token("OP", char, i))
            i += 1
        else:
            raise CalcError(f"unexpected {char!r} at {i}")
    tokens.append(Token("END", "", len(text)))
    return tokens
