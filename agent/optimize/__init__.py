"""`ratchet optimize`: the graph's nodes, its state, target selection, proposers, the report and
--apply. The graph itself is wired in agent/graph.py.

    optimize(session, OptimizeOptions(...), tier, llm) -> RunReport
"""

from .apply import ApplyError
from .nodes import OptimizeError
from .report import RunReport, render_markdown, render_text
from .run import optimize
from .runtime import OptimizeOptions
from .targets import TargetError

__all__ = [
    "ApplyError",
    "OptimizeError",
    "OptimizeOptions",
    "RunReport",
    "TargetError",
    "optimize",
    "render_markdown",
    "render_text",
]
