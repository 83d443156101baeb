"""Run-length encoding: "aaab" <-> "3a1b".

Every run is written as one digit and one character, so a run longer than MAX_RUN is split
into several runs of the same character.
"""

from __future__ import annotations

MAX_RUN = 9


def encode(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char.isdigit():
            raise ValueError(f"cannot encode the digit {char!r} at {i}")
        run = 1
        while i + run < len(text) and text[i + run] == char and run <= MAX_RUN:
            run += 1
        out.append(f"{run}{char}")
        i += run
    return "".join(out)


def decode(data: str) -> str:
    if len(data) % 2:
        raise ValueError("encoded data has an odd length")
    out: list[str] = []
    for k in range(0, len(data), 2):
        count, char = data[k], data[k + 1]
        if not count.isdigit() or count == "0":
            raise ValueError(f"bad run length {count!r} at {k}")
        out.append(char * int(count))
    return "".join(out)


def compression_ratio(text: str) -> float:
    """Encoded length over plain length (below 1 means the encoding is shorter)."""
    if not text:
        return 1.0
    return len(encode(text)) / len(text)
