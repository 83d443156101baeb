"""Convert between integers and Roman numerals (1 to 3999, canonical forms only)."""

from __future__ import annotations

SYMBOLS = [
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
]
VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def to_roman(number: int) -> str:
    if not 0 < number < 4000:
        raise ValueError(f"{number} has no Roman numeral")
    out = []
    for value, symbol in SYMBOLS:
        count, number = divmod(number, value)
        out.append(symbol * count)
    return "".join(out)


def from_roman(text: str) -> int:
    """The value of a numeral; case and surrounding spaces do not matter."""
    numeral = text.strip().upper()
    if not numeral:
        raise ValueError("empty numeral")
    total = 0
    for i, char in enumerate(numeral):
        if char not in VALUES:
            raise ValueError(f"{char!r} is not a Roman digit")
        value = VALUES[char]
        following = VALUES.get(text[i + 1], 0) if i + 1 < len(numeral) else 0
        total += -value if following > value else value
    if to_roman(total) != numeral:
        raise ValueError(f"{text!r} is not a canonical numeral")
    return total
