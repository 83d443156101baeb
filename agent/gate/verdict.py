"""The gate's answer: a value that says accepted with the numbers, or rejected at which step and
why, with the evidence a person or an LLM needs to act on it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from profilers.compare import Comparison

Status = Literal["accepted", "rejected", "error"]
# The steps in the order the gate runs them, cheapest first.
STEPS = ("apply", "screen", "import", "tests", "suite", "behaviour", "generated", "efficiency")


@dataclass(frozen=True)
class SuiteTally:
    passed: int = 0
    failed: int = 0
    baseline_passed: int = 0


@dataclass(frozen=True)
class BehaviourTally:
    calls_replayed: int = 0
    generated: int = 0
    mismatches: int = 0


@dataclass(frozen=True)
class Instructions:
    counter: str
    unit: str
    before: tuple[int, ...]
    after: tuple[int, ...]
    comparison: Comparison | None = None
    calls: int = 0  # outermost calls of the function in one measured pass
    whole_before: int | None = None  # the whole process's count (children included), if taken
    whole_after: int | None = None

    @property
    def gain(self) -> float | None:
        return self.comparison.gain if self.comparison else None


@dataclass(frozen=True)
class Verdict:
    """`step` is the step that decided: the first failing one, or the last one when accepted."""

    function: str
    status: Status
    step: str
    reason: str  # one or two sentences
    evidence: str = ""  # the longer story: failing test output, the differing call, the counts
    tests: SuiteTally = field(default_factory=SuiteTally)
    behaviour: BehaviourTally = field(default_factory=BehaviourTally)
    instructions: Instructions | None = None
    patch: str = ""
    seconds: dict[str, float] = field(default_factory=dict)  # per step, wall time
    # the test the rejection names: the first baseline-passing test that failed (tests, suite),
    # or the one that recorded the first mismatched call (behaviour); "" when none is known
    test: str = ""

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    def rests_on(self) -> dict[str, int]:
        """How much evidence the verdict rests on: a verdict says what it saw, not only what it
        concluded."""
        counts = self.instructions
        return {
            "tests_passed": self.tests.passed,
            "recorded_calls_compared": self.behaviour.calls_replayed,
            "generated_inputs_compared": self.behaviour.generated,
            "measured_runs": len(counts.after) if counts else 0,
            "measured_calls_per_run": counts.calls if counts else 0,
            "whole_process_runs": int(counts is not None and counts.whole_after is not None),
        }

    def to_json(self) -> dict[str, Any]:
        counts = self.instructions
        return {
            "version": 1,
            "function": self.function,
            "verdict": self.status,
            "step": self.step,
            "reason": self.reason,
            "evidence": self.evidence,
            "tests": vars(self.tests),
            "behaviour": vars(self.behaviour),
            "instructions": None
            if counts is None
            else {
                "counter": counts.counter,
                "unit": counts.unit,
                "before": list(counts.before),
                "after": list(counts.after),
                "gain": None if counts.gain is None else round(counts.gain, 6),
                "whole_process": None
                if counts.whole_after is None
                else {"before": counts.whole_before, "after": counts.whole_after},
            },
            "rests_on": self.rests_on(),
            "patch": self.patch,
            "seconds": {step: round(s, 3) for step, s in self.seconds.items()},
        }
