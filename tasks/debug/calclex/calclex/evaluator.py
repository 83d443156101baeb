"""Evaluate an expression by recursive descent over its tokens.

expression := term (("+" | "-") term)*
term       := factor (("*" | "/") factor)*
factor     := NUMBER | "-" factor | "(" expression ")"
"""

from __future__ import annotations

from calclex.lexer import CalcError, Token, tokenize


class Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def take(self, text: str | None = None) -> Token:
        token = self.peek()
        if text is not None and token.text != text:
            raise CalcError(f"expected {text!r} at {token.position}, found {token.text!r}")
        self.index += 1
        return token

    def expression(self) -> float:
        value = self.term()
        while self.peek().text in ("+", "-"):
            value = value + self.term() if self.take().text == "+" else value - self.term()
        return value

    def term(self) -> float:
        value = self.factor()
        while self.peek().text in ("*", "/"):
            if self.take().text == "*":
                value *= self.factor()
            else:
                value /= self.factor()
        return value

    def factor(self) -> float:
        token = self.peek()
        if token.kind == "NUM":
            self.take()
            return float(token.text)
        if token.text == "-":
            self.take()
            return -self.factor()
        if token.text == "(":
            self.take()
            value = self.expression()
            self.take(")")
            return value
        raise CalcError(f"unexpected {token.text or 'end of input'!r} at {token.position}")


def evaluate(text: str) -> float:
    parser = Parser(tokenize(text))
    value = parser.expression()
    if parser.peek().kind != "END":
        token = parser.peek()
        raise CalcError(f"unexpected {token.text!r} at {token.position}")
    return value
