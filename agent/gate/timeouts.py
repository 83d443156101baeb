"""How long a candidate's run may take: a multiple of what the same kind of run took for the
original, never less than a floor, never more than the hard cap (the sandbox's limit, or an
explicit `GateOptions.timeout`).

    bound = Bound(original=3.1, cap=900.0, measured="test suite")
    bound.seconds                  -> 60.0 (10 x 3.1 s is 31 s, less than the floor)
    bound.describe("the tests")    -> "the tests ran past 60 s, the floor of a candidate's run
                                       (10x the original's test suite, 3.1 s, is less): ..."

Without it a candidate that hangs (`while True: pass`) holds the gate for the sandbox's whole
limit (900 s by default) although the original's tests take seconds.

MULTIPLE and FLOOR are generous on purpose: wall time is not a measurement here. A 2-core machine
running two test suites side by side, a cold disk cache, a noisy CI neighbour can each stretch a
run several times over, and a bound that bit there would reject an honest candidate for the
machine's load. Ten times the original's time, and never under a minute, leaves room for that and
for a rewrite that is slower but right (the efficiency step rejects it, with its counts), while a
hang still ends in about a minute instead of fifteen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sandbox.base import RunResult

MULTIPLE = 10.0  # times the original's wall time for the same kind of run
FLOOR = 60.0  # seconds: no candidate run is given less, however quick the original's was
CAP = "the sandbox's limit (the `timeout` setting)"


@dataclass(frozen=True)
class Bound:
    """The timeout of one kind of candidate run, and the numbers it came from."""

    original: float  # seconds the original's run of this kind took
    cap: float = math.inf  # the hard limit, whatever the original's time
    measured: str = "run"  # which of the original's runs was timed: "test suite", "replay"
    multiple: float = MULTIPLE
    floor: float = FLOOR
    cap_name: str = CAP

    @property
    def seconds(self) -> float:
        return min(self.cap, max(self.floor, self.multiple * self.original))

    def describe(self, what: str) -> str:
        """One sentence: `what` (a run of the candidate) ran past this bound, and why it is set
        where it is."""
        scaled = f"{self.multiple:g}x the original's {self.measured}"
        took = f"{scaled}, {_seconds(self.original)} s"
        if self.seconds == self.multiple * self.original:
            why = f"{scaled} ({_seconds(self.original)} s)"
        elif self.seconds == self.cap:
            why = f"{self.cap_name} ({took}, is more)"
        else:
            why = f"the floor of a candidate's run ({took}, is less)"
        return (
            f"{what} ran past {_seconds(self.seconds)} s, {why}: the candidate hangs or is far "
            "slower than the original."
        )


def hard_cap(*limits: float | None) -> float:
    """The smallest of the limits that are set (None: not set); infinity when none is."""
    return min((limit for limit in limits if limit is not None), default=math.inf)


def ran_past(run: RunResult) -> bool:
    """Whether the run ended at its timeout, not at another limit (memory, processes)."""
    return run.timed_out and run.limit in (None, "timeout")


def _seconds(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"
