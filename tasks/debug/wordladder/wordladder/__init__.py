from wordladder.graph import build_graph, patterns
from wordladder.search import NoLadder, ladder_length, shortest_ladder

__all__ = ["NoLadder", "build_graph", "ladder_length", "patterns", "shortest_ladder"]
