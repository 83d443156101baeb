"""What a sandboxed run printed, cut to fit a message."""

from __future__ import annotations

from sandbox.base import RunResult


def tail(result: RunResult, lines: int = 6, sep: str = " | ") -> str:
    """The last `lines` lines the run printed (stdout, then stderr), joined by `sep`; how the run
    ended when it printed nothing."""
    text = (result.stdout + result.stderr).strip().splitlines()
    return sep.join(text[-lines:]) or result.describe()
