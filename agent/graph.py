"""The optimize graph, wiring only: the nodes live in agent/optimize/nodes.py.

START -> baseline -> select -> enter -> propose -> gate x N (Send, in parallel) -> decide
                                 ^        ^                                         |
                                 |        +---------------- refine -----------------+
                                 +--------- advance <-------- done -----------------+
                               (no targets left, or a budget ran out) -> END
"""

from __future__ import annotations

from typing import Any

from langgraph.graph import END, START, StateGraph
from langgraph.types import RetryPolicy, Send

from agent.llm import LLMUnavailable
from agent.optimize import nodes
from agent.optimize.runtime import Runtime
from agent.optimize.state import OptimizeState

# Each LLM request already gets the client's retries with backoff. When an endpoint stays
# unavailable through them, the whole proposal round runs once more after a pause; if that fails
# too, the propose node stops the run with the client's message (and the results so far).
LLM_RETRY = RetryPolicy(max_attempts=2, initial_interval=2.0, retry_on=LLMUnavailable)


def build_graph(runtime: Runtime) -> Any:
    """The compiled graph; run it with `runtime`'s limits in the config (see `run_config`)."""
    graph = StateGraph(OptimizeState)
    for name in ("baseline", "select", "enter", "decide", "advance"):
        graph.add_node(name, _node(runtime, name))
    graph.add_node("propose", _node(runtime, "propose"), retry_policy=LLM_RETRY)
    graph.add_node("gate", _node(runtime, "gate"))
    graph.add_edge(START, "baseline")
    graph.add_edge("baseline", "select")
    graph.add_conditional_edges("select", _has_target, ["enter", END])
    graph.add_conditional_edges("enter", _entered, ["propose", "advance"])
    graph.add_conditional_edges("propose", _fan_out, ["gate", "decide"])
    graph.add_edge("gate", "decide")
    graph.add_conditional_edges("decide", _refine_or_done, ["propose", "advance"])
    graph.add_conditional_edges("advance", _has_target, ["enter", END])
    return graph.compile()


def run_config(runtime: Runtime) -> dict[str, Any]:
    """Parallel gate runs bounded by --jobs; a recursion limit that fits the planned work."""
    rounds = max(runtime.tier.rounds, 1)
    steps = 8 + runtime.options.max_functions * (4 + 3 * rounds) + 50
    return {"recursion_limit": steps, "max_concurrency": runtime.options.jobs}


def _node(runtime: Runtime, name: str) -> Any:  # a node: state (or a Send's payload) -> update
    function = getattr(nodes, name)

    def timed(state: Any) -> dict[str, Any]:
        with runtime.timed(name):
            update: dict[str, Any] = function(runtime, state)
            return update

    # not functools.wraps: LangGraph reads a node's input schema from its first parameter
    timed.__name__ = timed.__qualname__ = name
    return timed


def _has_target(state: OptimizeState) -> str:
    if state.get("stopped") or state["current"] >= len(state["plans"]):
        return END
    return "enter"


def _entered(state: OptimizeState) -> str:
    return "propose" if state["round"] >= 1 else "advance"


def _fan_out(state: OptimizeState) -> list[Send] | str:
    function = state["plans"][state["current"]].function
    sends = [Send("gate", {"proposed": p, "function": function}) for p in state["proposals"]]
    return sends or "decide"


def _refine_or_done(state: OptimizeState) -> str:
    return "propose" if state.get("refining") else "advance"
