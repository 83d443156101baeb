"""The optimize graph, wiring only: the nodes are in nodes.py, the state in state.py, the run's
frozen tools (LangGraph's run context) in tools.py.

    START
      -> name_targets     the functions named, less those no rule applies to (only when named)
                                                                   -> END when none is left
      -> run_suite        the unchanged repo's whole suite; its passing set is the contract
      -> profile          py-spy ranks the hot functions (only when no function was named)
      -> select_targets   what was named, else the hottest; only those passing tests call
                                                                   -> END when none is left
      -> take_baseline    per target: recorded calls and instruction counts
                                                                   -> next_target if it fails
      -> propose          this round's candidates, from the rules or the LLM (retried once)
      -> gate x N         one run per candidate, in parallel (Send)  (none: straight to decide)
      -> decide           keep the best accepted; else refine      -> explain, the next round
      -> explain          block traces of the candidates that failed a test or a recorded call,
                          original beside candidate, for the next prompt  -> propose
      -> next_target                                               -> take_baseline, or END
                          (END too once a budget ran out)

Every node returns what it learned as an update; `timed` adds each node's wall time to
`seconds`. The graph has no checkpointer.
"""

from __future__ import annotations

from typing import Any, Protocol

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Send

from .nodes import (
    LLM_RETRY,
    decide,
    explain,
    gate,
    name_targets,
    next_target,
    profile,
    propose,
    run_suite,
    select_targets,
    take_baseline,
)
from .state import GateTask, OptimizeState
from .tools import Tools


class Node(Protocol):
    """A node of nodes.py: the state (or a Send's payload) and the run's runtime -> an update."""

    __name__: str

    def __call__(self, state: Any, /, *, runtime: Runtime[Tools]) -> dict[str, Any]: ...


class Timed(Protocol):
    """A node as `timed` hands it to LangGraph."""

    def __call__(self, state: OptimizeState, *, runtime: Runtime[Tools]) -> dict[str, Any]: ...


def build_graph() -> Any:
    """The compiled graph; invoke it with the run's `Tools` as context (see `run_config`)."""
    graph = StateGraph(OptimizeState, context_schema=Tools)
    graph.add_node(timed(name_targets))
    graph.add_node(timed(run_suite))
    graph.add_node(timed(profile))
    graph.add_node(timed(select_targets))
    graph.add_node(timed(take_baseline))
    graph.add_node(timed(propose), retry_policy=LLM_RETRY)
    graph.add_node(timed(gate))
    graph.add_node(timed(decide))
    graph.add_node(timed(explain))
    graph.add_node(timed(next_target))
    graph.add_conditional_edges(START, _name_first, ["name_targets", "run_suite"])
    graph.add_conditional_edges("name_targets", _any_wanted, ["run_suite", END])
    graph.add_conditional_edges("run_suite", _profile_unless_named, ["profile", "select_targets"])
    graph.add_edge("profile", "select_targets")
    graph.add_conditional_edges("select_targets", _has_target, ["take_baseline", END])
    graph.add_conditional_edges("take_baseline", _baselined, ["propose", "next_target"])
    graph.add_conditional_edges("propose", _fan_out, ["gate", "decide"])
    graph.add_edge("gate", "decide")
    graph.add_conditional_edges("decide", _refine_or_done, ["explain", "next_target"])
    graph.add_edge("explain", "propose")
    graph.add_conditional_edges("next_target", _has_target, ["take_baseline", END])
    return graph.compile()


MAX_TARGETS = 1000  # a guard, see run_config


def run_config(tools: Tools) -> dict[str, Any]:
    """Parallel gate runs bounded by --jobs. The recursion limit is only a guard against a wiring
    fault: every loop is bounded by rounds and targets, and `--file` or `--all` can name more
    targets than `max_functions`, so it fits the most targets any selection is allowed."""
    rounds = max(tools.tier.rounds, 1)
    targets = max(tools.options.max_functions, MAX_TARGETS)
    steps = 9 + targets * (4 + 4 * rounds) + 50
    return {"recursion_limit": steps, "max_concurrency": tools.options.jobs}


def timed(node: Node) -> Timed:
    """`node`, with its wall time added to the state's `seconds` (parallel runs summed)."""

    def run(state: Any, *, runtime: Runtime[Tools]) -> dict[str, Any]:
        clock = runtime.context.clock
        started = clock()
        update = node(state, runtime=runtime)
        return {**update, "seconds": {node.__name__: clock() - started}}

    # not functools.wraps: LangGraph reads a node's input schema from its first parameter, and
    # the gate's input is a Send's payload, not the state
    run.__name__ = run.__qualname__ = node.__name__
    return run


def _name_first(state: OptimizeState, *, runtime: Runtime[Tools]) -> str:
    return "name_targets" if runtime.context.options.named else "run_suite"


def _any_wanted(state: OptimizeState) -> str:
    return "run_suite" if state.get("wanted") else END


def _profile_unless_named(state: OptimizeState, *, runtime: Runtime[Tools]) -> str:
    return "select_targets" if runtime.context.options.named else "profile"


def _has_target(state: OptimizeState) -> str:
    if state.get("stopped") or state["current"] >= len(state["plans"]):
        return END
    return "take_baseline"


def _baselined(state: OptimizeState) -> str:
    return "propose" if state["round"] >= 1 else "next_target"


def _fan_out(state: OptimizeState) -> list[Send] | str:
    context = state["baselines"][state["plans"][state["current"]].function]
    sends = [Send("gate", GateTask(p, context)) for p in state["proposals"]]
    return sends or "decide"


def _refine_or_done(state: OptimizeState) -> str:
    return "explain" if state.get("refining") else "next_target"
