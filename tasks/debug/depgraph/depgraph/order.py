"""Run orders for tasks with dependencies (Kahn's algorithm, ties broken alphabetically).

A dependency map sends each task to the set of tasks that must run before it; a task that is
only ever depended on need not have an entry of its own.
"""

from __future__ import annotations

Deps = dict[str, set[str]]


class CycleError(ValueError):
    def __init__(self, tasks: list[str]) -> None:
        super().__init__(f"dependency cycle among {', '.join(tasks)}")
        self.tasks = tasks


def build_order(deps: Deps) -> list[str]:
    pending = deps
    for needs in list(pending.values()):
        for need in needs:
            pending.setdefault(need, set())
    ready = sorted(task for task, needs in pending.items() if not needs)
    order = []
    while ready:
        task = ready.pop(0)
        order.append(task)
        del pending[task]
        for other, needs in pending.items():
            if task in needs:
                needs.discard(task)
                if not needs:
                    ready.append(other)
        ready.sort()
    if pending:
        raise CycleError(sorted(pending))
    return order


def levels(deps: Deps) -> list[list[str]]:
    """Groups of tasks that can run at the same time, each group after the one before it."""
    depth: dict[str, int] = {}
    for task in build_order(deps):
        depth[task] = 1 + max((depth[need] for need in deps.get(task, ())), default=-1)
    groups: list[list[str]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for task in sorted(depth):
        groups[depth[task]].append(task)
    return groups


def dependents(deps: Deps, task: str) -> set[str]:
    """Every task that needs task, directly or through others."""
    found: set[str] = set()
    frontier = [task]
    while frontier:
        current = frontier.pop()
        for other, needs in deps.items():
            if current in needs and other not in found:
                found.add(other)
                frontier.append(other)
    return found
