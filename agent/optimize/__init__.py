"""`ratchet optimize`: the graph (graph.py, which draws the flow), its nodes, its state and the
run's tools, target selection, proposers, the report and --apply.

    optimize(session, OptimizeOptions(...), tier, llm, progress, apply) -> RunReport
"""

from .apply import ApplyError
from .nodes import OptimizeError
from .report import RunReport, render_markdown, render_text
from .run import optimize
from .targets import TargetError
from .tools import OptimizeOptions

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
