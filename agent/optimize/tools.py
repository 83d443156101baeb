"""What the optimize graph's nodes use besides the state: one frozen `Tools` per run, handed
to LangGraph as the run's context (`runtime.context` in a node), and the options of the run."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from agent.gate import GateOptions
from agent.llm import LLMClient, Tier, Usage
from profilers.measure import Meter
from sandbox.base import Session

from .proposers import Proposer


@dataclass(frozen=True)
class OptimizeOptions:
    functions: tuple[str, ...] = ()  # --function, repeatable
    file: str | None = None  # --file (repo-relative)
    line: int | None = None  # --line
    changed: bool = False  # --changed
    base: str = "HEAD"  # --base
    every: bool = False  # --all
    max_functions: int = 3
    jobs: int = 1
    counter: str = "auto"
    runs: int = 3
    gate: GateOptions = field(default_factory=GateOptions)

    @property
    def named(self) -> bool:
        """The user said which functions to work on (so nothing is profiled to find them)."""
        return bool(self.functions or self.file or self.changed)


def _quiet(message: str) -> None:
    """The default progress: say nothing."""


@dataclass(frozen=True)
class Tools:
    """The sandbox session, the meter, the proposer, the options and the LLM client: the same
    for the whole run, never written by a node. Everything a node learns goes into the state."""

    session: Session
    meter: Meter
    options: OptimizeOptions
    tier: Tier
    proposer: Proposer
    llm: LLMClient | None = None
    progress: Callable[[str], None] = _quiet
    clock: Callable[[], float] = time.monotonic  # for the node timings and gate_wall

    @property
    def root(self) -> Path:
        return self.session.repo.root

    def usage(self) -> Usage:
        return self.llm.usage if self.llm is not None else Usage()
