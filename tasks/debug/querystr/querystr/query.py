"""Query strings (application/x-www-form-urlencoded): "a=1&b=two+words&b=%C3%A9"."""

from __future__ import annotations

import string

SAFE = frozenset(string.ascii_letters + string.digits + "-._~")
HEX_DIGITS = frozenset(string.hexdigits)


def unquote(text: str) -> str:
    """Undo percent-escapes and '+' for space; the escaped bytes are UTF-8."""
    out = bytearray()
    i = 0
    while i < len(text):
        char = text[i]
        if char == "%":
            escape = text[i + 1 : i + 3]
            if len(escape) != 2 or not HEX_DIGITS.issuperset(escape):
                raise ValueError(f"bad escape {text[i : i + 3]!r} at {i}")
            out.append(int(escape, 16))
            i += 3
            continue
        out.extend(b" " if char == "+" else char.encode())
        i += 1
    return out.decode("utf-8")


def quote_char(char: str) -> str:
    if char in SAFE:
        return char
    if char == " ":
        return "+"
    return "".join(f"%{byte:02X}" for byte in char.encode())


def quote(text: str) -> str:
    return "".join(quote_char(char) for char in text)


def parse(query: str) -> dict[str, list[str]]:
    """Every key with its values in order; a key may repeat, and may come without a value."""
    result: dict[str, list[str]] = {}
    for pair in query.removeprefix("?").split("&"):
        if not pair:
            continue
        key, value = pair.split("=", 1)
        result.setdefault(unquote(key), []).append(unquote(value))
    return result


def first(query: str, key: str, default: str | None = None) -> str | None:
    values = parse(query).get(key)
    return values[0] if values else default


def build(params: dict[str, str | list[str]]) -> str:
    pairs = []
    for key, values in params.items():
        for value in [values] if isinstance(values, str) else values:
            pairs.append(f"{quote(key)}={quote(value)}")
    return "&".join(pairs)
