"""What flows through the optimize graph (agent/optimize/graph.py draws the flow).

`OptimizeState` holds everything the run learns: the suite's outcomes, the hot functions, who
calls them, each target's baseline, the verdicts, the results, and the run's own counts and
timings. Nodes read it and return what they learned as updates; the fields that several nodes
(or parallel gate runs) add to have reducers. What stays outside is the frozen `Tools` of the
run (agent/optimize/tools.py). The graph has no checkpointer, so the state may hold any Python
object, including each target's gate `Context`.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal, TypedDict

from agent.gate import Context, Verdict
from profilers.hotspots import Hotspot
from profilers.measure import Callers
from profilers.suite import SuiteReport

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
    """A candidate and the gate's verdict on it, and for one that failed a test or a recorded
    call, the block traces of the original and of it on that input (explain.py)."""

    proposed: Proposed
    verdict: Verdict
    trace: str | None = None  # None: not taken (yet); "": could not be taken


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


@dataclass(frozen=True)
class GateTask:
    """What one parallel gate run gets (a Send's payload): a candidate and its target's baseline."""

    proposed: Proposed
    context: Context


def merge_round(current: list[Judged], update: list[Judged] | None) -> list[Judged]:
    """Verdicts of one round gather from the parallel gate runs; None starts a new round."""
    return [] if update is None else [*current, *update]


def add_seconds(current: Mapping[str, float], update: Mapping[str, float]) -> dict[str, float]:
    """Wall time per node, summed over every run of the node (parallel gate runs included)."""
    return {node: current.get(node, 0.0) + update.get(node, 0.0) for node in {*current, *update}}


def merge(current: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    return {**current, **update}


class OptimizeState(TypedDict, total=False):
    # learned once, before any target
    suite: SuiteReport | None  # the unchanged repo's whole suite: its passing set is the contract
    wanted: list[Plan] | None  # the named functions the proposer may have something for
    hotspots: list[Hotspot]  # py-spy's ranking, when the user named no function
    callers: dict[str, Callers]  # which tests call each function asked for
    plans: list[Plan]  # targets, in the order they are worked on
    skipped: list[Result]  # targets dropped while selecting (no test calls them, ...)
    baselines: Annotated[dict[str, Context], merge]  # each target's gate context, by function
    # the current target
    current: int  # index into plans
    round: int  # refinement round of the current target, from 1
    tokens_at_enter: int  # LLM tokens spent before the current target's baseline
    proposals: list[Proposed]  # this round's candidates
    proposed_at: float | None  # when this round's candidates went to the gate
    judged: Annotated[list[Judged], merge_round]  # this round's verdicts
    history: list[Judged]  # every verdict for the current target so far
    refining: bool  # decide chose another round for the current target
    # the run
    results: Annotated[list[Result], operator.add]
    stopped: str | None  # why the run stopped early (a budget ran out), if it did
    notes: Annotated[list[str], operator.add]  # said once at the end, e.g. how to enable LLMs
    gated: Annotated[int, operator.add]  # candidates that went through the gate
    gate_wall: Annotated[float, operator.add]  # wall time from proposing to deciding, all rounds
    seconds: Annotated[dict[str, float], add_seconds]  # wall time per node


def empty_state() -> dict[str, Any]:
    """The input of a run: every field at its start (`judged` None: no round yet)."""
    return {"suite": None, "wanted": None, "hotspots": [], "callers": {}, "plans": [],
            "skipped": [], "baselines": {}, "current": 0, "round": 0, "tokens_at_enter": 0,
            "proposals": [], "proposed_at": None, "judged": None, "history": [],
            "refining": False, "results": [], "stopped": None, "notes": [], "gated": 0,
            "gate_wall": 0.0, "seconds": {}}  # fmt: skip
