"""A weighted directed graph and Dijkstra's cheapest path between two of its nodes."""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable


class NoPath(LookupError):
    pass


class Graph:
    def __init__(self, edges: Iterable[tuple[str, str, float]] = ()) -> None:
        self._edges: dict[str, dict[str, float]] = {}
        for a, b, weight in edges:
            self.add_edge(a, b, weight)

    def add_edge(self, a: str, b: str, weight: float = 1.0, both_ways: bool = False) -> None:
        if weight < 0:
            raise ValueError(f"negative weight {weight} on {a} -> {b}")
        self._edges.setdefault(a, {})[b] = weight
        self._edges.setdefault(b, {})
        if both_ways:
            self._edges[b][a] = weight

    def nodes(self) -> list[str]:
        return sorted(self._edges)

    def neighbors(self, node: str) -> list[tuple[str, float]]:
        return sorted(self._edges.get(node, {}).items())


def shortest_path(graph: Graph, start: str, goal: str) -> tuple[float, list[str]]:
    """The cost of the cheapest path from start to goal, and the path; NoPath if none."""
    best = {start: 0.0}
    previous: dict[str, str] = {}
    done: set[str] = set()
    queue = [(0.0, start)]
    while queue:
        _, node = heapq.heappop(queue)
        if node in done:
            continue
        done.add(node)
        if node == goal:
            break
        for neighbor, weight in graph.neighbors(node):
            if neighbor in done:
                continue
            cost = best[node] + weight
            if cost < best.get(neighbor, math.inf):
                best[neighbor] = cost
                previous[neighbor] = node
                heapq.heappush(queue, (weight, neighbor))
    if goal not in done:
        raise NoPath(f"no path from {start} to {goal}")
    path = [goal]
    while path[-1] != start:
        path.append(previous[path[-1]])
    return best[goal], path[::-1]
