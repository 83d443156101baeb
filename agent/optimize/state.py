"""What flows through the optimize graph.

`OptimizeState` is the graph's state: plain values that nodes read and update. The heavy,
long-lived things (the sandbox session, the meter, each target's baseline, the LLM client) live
in `Runtime` (agent/optimize/runtime.py) and are passed to the nodes when the graph is built.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, TypedDict

from agent.gate import Verdict

Status = Literal["accepted", "rejected", "skipped", "error"]


@dataclass(frozen=True)
class Plan:
    """A function chosen for optimization, and why it was chosen."""

    function: str  # dotted
    file: str  # repo-relative
    why: str  # "12.0% of samples (self)", "named with --function", "changed since main"
    self_share: float = 0.0


@dataclass(frozen=True)
class Proposed:
    """One candidate for the current target: from a rule (a whole module) or an LLM (a def)."""

    origin: str  # "rules: concat-to-join" or "llm: round 1, reply 2"
    text: str  # the candidate text, or the whole module for rules
    whole_module: bool = False
    patch: str = ""  # known up front for rules
    why: str = ""  # the proposer's own one-line explanation


@dataclass(frozen=True)
class Judged:
    """A candidate and the gate's verdict on it."""

    proposed: Proposed
    verdict: Verdict


@dataclass(frozen=True)
class Result:
    """What happened to one target."""

    function: str
    file: str
    status: Status
    reason: str
    best: Judged | None = None  # the accepted candidate, or the last rejected one
    candidates: int = 0  # how many were gated
    rounds: int = 0
    tokens: int = 0
    attempts: tuple[Judged, ...] = field(default=())


def _merge_round(current: list[Judged], update: list[Judged] | None) -> list[Judged]:
    """Verdicts of one round gather from the parallel gate runs; None starts a new round."""
    return [] if update is None else [*current, *update]


class OptimizeState(TypedDict, total=False):
    plans: list[Plan]  # targets, in the order they are worked on
    skipped: list[Result]  # targets dropped while selecting (no test calls them, ...)
    current: int  # index into plans
    round: int  # refinement round of the current target, from 1
    proposals: list[Proposed]  # this round's candidates
    judged: Annotated[list[Judged], _merge_round]  # this round's verdicts
    history: list[Judged]  # every verdict for the current target so far
    refining: bool  # decide chose another round for the current target
    results: Annotated[list[Result], operator.add]
    stopped: str | None  # why the run stopped early (a budget ran out), if it did
    notes: Annotated[list[str], operator.add]  # said once at the end, e.g. how to enable LLMs


def empty_state() -> dict[str, Any]:
    return {"plans": [], "skipped": [], "current": 0, "round": 0, "proposals": [], "judged": None,
            "history": [], "refining": False, "results": [], "stopped": None, "notes": []}  # fmt: skip
