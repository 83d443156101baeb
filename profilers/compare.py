"""Ratchet's efficiency rule: is the candidate measurably cheaper than the baseline?

Each side is measured K times (K=3 by default); the first failing condition decides:
1. "overlap": every candidate run must be strictly below every baseline run (equal is not below).
2. "too-few-runs": some group (baseline, candidate or A/A) needs two or more runs, or nothing shows
   the spread between identical runs and a faster candidate would be trusted blindly. When only
   some groups have one run, the spread comes from the others and the reason says so.
3. "below-threshold": the median gain must be at least max(min_gain, 3 x spread), where spread is
   the largest (max - min) / median over the baseline, the candidate and each A/A group.

Empty groups, non-positive counts and a min_gain outside [0, 1) are errors (`ValueError`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median
from typing import Literal

from profilers.counts import InstructionCount, check_comparable

DEFAULT_MIN_GAIN = 0.005  # 0.5%: must let a real 1% improvement through under an exact counter

Decision = Literal["accepted", "overlap", "below-threshold", "too-few-runs"]


@dataclass(frozen=True)
class Comparison:
    """The verdict, the numbers behind it, and a reason that quotes them."""

    accepted: bool
    decided_by: Decision
    gain: float
    threshold: float
    spread: float
    baseline: tuple[int, ...]
    candidate: tuple[int, ...]
    reason: str

    def __post_init__(self) -> None:
        assert self.accepted == (self.decided_by == "accepted"), self.decided_by


def _checked(name: str, runs: Sequence[int]) -> tuple[int, ...]:
    if not runs:
        raise ValueError(f"the {name} has no runs; measure it at least once (K=3 by default).")
    for index, value in enumerate(runs, 1):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise ValueError(f"{name} run {index} is {value!r}; counts are positive whole numbers.")
    return tuple(runs)


def _pct(value: float, digits: int = 1) -> str:
    return f"{value * 100:.{digits}f}%"


def _span(runs: Sequence[int]) -> str:
    low, high = min(runs), max(runs)
    return f"{low:,}" if low == high else f"{low:,}..{high:,}"


def _versus(gain: float, threshold: float, spread: float, min_gain: float) -> str:
    # one decimal unless that would print a gain and threshold that differ as equal
    digits = next((d for d in range(1, 7) if _pct(gain, d) != _pct(threshold, d)), 1)
    sign = ">=" if gain >= threshold else "<"
    return (
        f"median gain {_pct(gain, digits)} {sign} threshold {_pct(threshold, digits)} "
        f"(max of --min-gain {_pct(min_gain)} and 3 x spread {_pct(spread)})"
    )


def _verdict(
    base: Sequence[int], cand: Sequence[int], gain: float, passes: bool, versus: str, measured: bool
) -> tuple[Decision, str]:
    ranges = f"candidate run ({_span(cand)}) is below every baseline run ({_span(base)})"
    if max(cand) >= min(base):
        return "overlap", f"rejected: not every {ranges}; median gain {_pct(gain)}."
    if not measured:
        return "too-few-runs", (
            f"rejected: every {ranges} and median gain is {_pct(gain)}, but with one run per group "
            "nothing shows the spread between identical runs; measure a side at least twice."
        )
    if not passes:
        return "below-threshold", f"rejected: every {ranges}, but {versus}."
    return "accepted", f"accepted: every {ranges}; {versus}."


def compare(
    baseline: Sequence[int],
    candidate: Sequence[int],
    *,
    min_gain: float = DEFAULT_MIN_GAIN,
    aa_runs: Sequence[Sequence[int]] = (),
) -> Comparison:
    """Accept the candidate only if it is below the baseline on every run and by enough."""
    if not 0 <= min_gain < 1:
        raise ValueError(f"min_gain is a fraction in [0, 1), got {min_gain!r}; 0.005 means 0.5%.")
    base, cand = _checked("baseline", baseline), _checked("candidate", candidate)
    groups = {"baseline": base, "candidate": cand}
    groups |= {f"A/A group {i}": _checked(f"A/A group {i}", g) for i, g in enumerate(aa_runs, 1)}
    spread = max((max(runs) - min(runs)) / median(runs) for runs in groups.values())
    threshold = max(min_gain, 3 * spread)
    gain = (median(base) - median(cand)) / median(base)
    measured = [name for name, runs in groups.items() if len(runs) >= 2]
    versus = _versus(gain, threshold, spread, min_gain)
    decided_by, reason = _verdict(base, cand, gain, gain >= threshold, versus, bool(measured))
    if measured and len(measured) < len(groups) and decided_by != "overlap":
        reason += (
            f" A single run shows no spread: it comes from the {' and '.join(measured)} runs only."
        )
    accepted = decided_by == "accepted"
    return Comparison(accepted, decided_by, gain, threshold, spread, base, cand, reason)


def compare_counts(
    baseline: Sequence[InstructionCount],
    candidate: Sequence[InstructionCount],
    *,
    min_gain: float = DEFAULT_MIN_GAIN,
    aa_runs: Sequence[Sequence[InstructionCount]] = (),
) -> Comparison:
    """`compare` on the values, after `check_comparable` (which raises `IncomparableCounts`)."""
    _, unit = check_comparable(baseline, candidate, *aa_runs)
    base, cand, *aa = [[c.value for c in group] for group in (baseline, candidate, *aa_runs)]
    result = compare(base, cand, min_gain=min_gain, aa_runs=aa)
    if any(c.advisory for group in (baseline, candidate, *aa_runs) for c in group):
        note = f" These are {unit}, advisory only: they cannot see work done in C."
        result = dataclasses.replace(result, reason=result.reason + note)
    return result
