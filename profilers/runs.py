"""What a sandboxed run printed, cut to fit a message."""

from __future__ import annotations

from sandbox.base import RunResult

from .channel import PREFIX


def tail(result: RunResult, lines: int = 6, sep: str = " | ") -> str:
    """The last `lines` lines the run printed (stdout, then stderr), joined by `sep`, less the
    probe's frames (noise to a person or a model reading why a run failed); how the run ended
    when it printed nothing else."""
    printed = (result.stdout + result.stderr).strip().splitlines()
    text = [line for line in printed if not line.startswith(PREFIX)]
    return sep.join(text[-lines:]) or result.describe()
