"""The long-lived things the optimize graph's nodes share, and the options of one run."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from agent.gate import Context, GateOptions
from agent.llm import LLMClient, Tier, Usage
from profilers.measure import Callers, Meter
from profilers.suite import SuiteReport
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


@dataclass
class Runtime:
    """What nodes need besides the state: the sandbox, the meter, the proposer, and what was
    learned once and reused (the suite's outcomes, callers, each target's baseline)."""

    session: Session
    meter: Meter
    options: OptimizeOptions
    tier: Tier
    proposer: Proposer
    llm: LLMClient | None = None
    progress: Callable[[str], None] = lambda message: None
    suite: SuiteReport | None = None
    callers: dict[str, Callers] = field(default_factory=dict)
    contexts: dict[str, Context] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # wall time per node
    gated: int = 0  # candidates that went through the gate
    tokens_at_enter: int = 0  # LLM tokens spent before the current target
    unavailable: Counter[tuple[str, int]] = field(default_factory=Counter)
    gate_wall: float = 0.0  # wall time from the end of proposing to deciding, over all rounds
    _proposed_at: float | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def root(self) -> Path:
        return self.session.repo.root

    def usage(self) -> Usage:
        return self.llm.usage if self.llm is not None else Usage()

    @contextmanager
    def timed(self, node: str) -> Iterator[None]:
        started = time.monotonic()
        try:
            yield
        finally:
            with self._lock:
                self.seconds[node] = self.seconds.get(node, 0.0) + time.monotonic() - started

    def note_unavailable(self, function: str, round_: int) -> int:
        """How many times this target's round found the LLM unavailable, this one included."""
        with self._lock:
            self.unavailable[(function, round_)] += 1
            return self.unavailable[(function, round_)]

    def proposals_out(self) -> None:
        self._proposed_at = time.monotonic()

    def proposals_judged(self) -> None:
        if self._proposed_at is not None:
            self.gate_wall += time.monotonic() - self._proposed_at
            self._proposed_at = None

    def count_gated(self) -> None:
        with self._lock:
            self.gated += 1
