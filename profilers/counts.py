"""Instruction counts that carry their counter, unit and interpreter, and the rule for comparing them.

Numbers of different counters or interpreters are never compared: `check_comparable` raises
`IncomparableCounts` (a `ValueError`) saying which counters or fingerprints differ and what to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

UNITS = {"callgrind": "instructions", "perf": "instructions", "bytecode": "bytecodes"}


class IncomparableCounts(ValueError):
    """Counts of different counters or fingerprints were asked to be compared."""


@dataclass(frozen=True)
class InstructionCount:
    """One measured run of a workload.

    `fingerprint` identifies the interpreter (and counter setup) the count was taken on.
    Bytecode counts are `advisory`: they cannot see work done in C, so they must say so.
    """

    value: int
    counter: str
    unit: str
    fingerprint: str
    advisory: bool = False

    def __post_init__(self) -> None:
        if self.counter not in UNITS:
            known = ", ".join(UNITS)
            raise ValueError(f"unknown counter {self.counter!r}; expected one of {known}.")
        if self.unit != UNITS[self.counter]:
            raise ValueError(
                f"a {self.counter} count is in {UNITS[self.counter]}, not {self.unit!r}."
            )
        if self.counter == "bytecode" and not self.advisory:
            raise ValueError(
                "a bytecode count cannot see work done in C; construct it with advisory=True."
            )
        if self.value < 0:
            raise ValueError(f"an instruction count cannot be negative, got {self.value:,}.")


def _distinct(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))


def check_comparable(*groups: Sequence[InstructionCount]) -> tuple[str, str]:
    """The (counter, unit) every count in every group shares; raise if any two differ."""
    counts = [count for group in groups for count in group]
    if not counts:
        raise ValueError("there are no counts to compare; measure each side at least once.")
    counters = _distinct([count.counter for count in counts])
    if len(counters) > 1:
        raise IncomparableCounts(
            f"cannot compare counts of different counters ({', '.join(counters)}); "
            "measure baseline and candidate with the same --counter."
        )
    fingerprints = _distinct([count.fingerprint for count in counts])
    if len(fingerprints) > 1:
        raise IncomparableCounts(
            f"cannot compare {counters[0]} counts taken on different interpreters or counter "
            f"setups (fingerprints {', '.join(fingerprints)}); measure baseline and candidate "
            "in the same sandbox with the same interpreter."
        )
    return counters[0], counts[0].unit
