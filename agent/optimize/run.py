"""One optimize run: build the graph for a prepared session, run it, and gather the report."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from agent.graph import build_graph, run_config
from agent.llm import LLMClient, Tier
from profilers.measure import MeasurementError, Meter, collection_paths
from sandbox.base import Session

from .apply import check_combined, combine, write_files
from .nodes import OptimizeError
from .proposers import LLMProposer, Proposer, RulesProposer
from .report import RunReport
from .runtime import OptimizeOptions, Runtime
from .state import Result, empty_state

log = logging.getLogger(__name__)


def optimize(
    session: Session,
    options: OptimizeOptions,
    tier: Tier,
    llm: LLMClient | None = None,
    progress: Callable[[str], None] | None = None,
    apply: bool = False,
) -> RunReport:
    """Run the graph over the session's repo. OptimizeError when the run cannot start."""
    started = time.monotonic()
    try:
        meter = Meter(session, options.counter, runs=options.runs, timeout=options.gate.timeout)
    except MeasurementError as exc:
        raise OptimizeError(str(exc)) from exc
    proposer: Proposer = (
        RulesProposer() if llm is None or not tier.uses_llm else LLMProposer(llm, tier)
    )
    runtime = Runtime(session, meter, options, tier, proposer, llm, progress or log.info)
    final: dict[str, Any] = build_graph(runtime).invoke(empty_state(), config=run_config(runtime))
    results: tuple[Result, ...] = (*final.get("results", []), *final.get("skipped", []))
    report = RunReport(
        results,
        runtime.usage(),
        tier,
        dict(runtime.seconds),
        runtime.gated,
        time.monotonic() - started,
        final.get("stopped"),
        tuple(final.get("notes", [])),
        gate_wall=runtime.gate_wall,
    )
    if apply and report.accepted:
        report = _apply(runtime, report)
    return report


def _apply(runtime: Runtime, report: RunReport) -> RunReport:
    import dataclasses

    targets = {name: ctx.baseline.target for name, ctx in runtime.contexts.items()}
    files = combine(report.accepted, targets)
    assert runtime.suite is not None
    paths = collection_paths(runtime.root, runtime.session.repo.files)
    runtime.progress("checking the accepted rewrites together before writing them")
    check_combined(runtime.session, files, runtime.suite, paths)
    originals = {t.path: t.source for t in targets.values()}
    written = write_files(runtime.root, files, originals)
    return dataclasses.replace(report, applied=tuple(written))
