"""The shortest word ladder between two words, by breadth-first search."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from wordladder.graph import build_graph


class NoLadder(LookupError):
    pass


def shortest_ladder(start: str, goal: str, words: Iterable[str]) -> list[str]:
    """The words from start to goal, both included; alphabetically first of the shortest."""
    start, goal = start.lower(), goal.lower()
    graph = build_graph([*words, start, goal])
    previous: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        word = queue.popleft()
        if word == goal:
            ladder = [word]
            while (before := previous[ladder[-1]]) is not None:
                ladder.append(before)
            return ladder[::-1]
        for neighbour in sorted(graph[word]):
            if neighbour not in previous:
                previous[neighbour] = word
                queue.append(neighbour)
    raise NoLadder(f"no ladder from {start!r} to {goal!r}")


def ladder_length(start: str, goal: str, words: Iterable[str]) -> int:
    """How many words the shortest ladder has, or 0 if there is none."""
    try:
        return len(shortest_ladder(start, goal, words))
    except NoLadder:
        return 0
