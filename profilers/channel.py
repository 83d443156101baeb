"""The host's side of the probe's result channel (profilers/ratchet_probe/channel.py).

`read_frames(stdout, nonce)` takes the frames out of a run's stdout and checks them: every frame
carries this run's nonce, the sequence runs 0, 1, 2, ... with no gap or repeat, the "result"
frame comes last but for the one "exit" frame the probe sends as the process ends (how many
other processes of the run it had to end), and nothing follows that. Anything else is a forged or damaged channel, which the
callers treat as a rejected candidate, never as a passed one. Payloads are read with
ast.literal_eval: plain data only, nothing is executed or imported on the host.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Any

PREFIX = "<<ratchet"
_FRAME = re.compile(r"^<<ratchet (\S+) (\S+) (\S+) ?(.*)$", re.MULTILINE)
MAX_PAYLOAD = 8 << 20


@dataclass(frozen=True)
class Frames:
    items: tuple[tuple[str, Any], ...]  # (kind, payload) in order, the "result" frame excluded
    result: Any  # the "result" frame's payload; None when the process ended before sending it
    problem: str | None = None  # the channel was forged or damaged: a sentence saying how
    exit: Any = None  # the "exit" frame's payload; None when the process did not end normally

    def of(self, kind: str) -> list[Any]:
        return [payload for k, payload in self.items if k == kind]


def read_frames(stdout: str, nonce: str) -> Frames:
    items: list[tuple[str, Any]] = []
    result: Any = None
    ended: Any = None
    for expected, match in enumerate(_FRAME.finditer(stdout)):
        key, seq, kind, text = match.groups()
        if key != nonce:
            return _forged(items, "a line on stdout poses as a frame of the probe's channel")
        if ended is not None or (result is not None and kind != "exit"):
            return _forged(items, "a frame came after the probe's result")
        if seq != str(expected):
            return _forged(items, f"frame {seq} came where frame {expected} was due")
        if len(text) > MAX_PAYLOAD:
            return _forged(items, f"frame {seq} is larger than {MAX_PAYLOAD} bytes")
        try:
            payload = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            return _forged(items, f"frame {seq} is not plain data")
        if kind == "result":
            result = payload if payload is not None else {}
        elif kind == "exit":
            ended = payload if isinstance(payload, dict) else {}
        else:
            items.append((kind, payload))
    return Frames(tuple(items), result, exit=ended)


def _forged(items: list[tuple[str, Any]], how: str) -> Frames:
    return Frames(
        tuple(items),
        None,
        f"the probe's result channel was tampered with: {how}; the candidate's process wrote "
        "to it or cut it off",
    )
