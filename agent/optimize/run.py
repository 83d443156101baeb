"""One optimize run: the run's tools for a prepared session, the graph over them, the report."""

from __future__ import annotations

import dataclasses
import logging
import time
from collections.abc import Callable
from typing import Any

from agent.llm import LLMClient, Tier
from profilers.counter import prepare_counter
from profilers.measure import MeasurementError, Meter
from sandbox.base import Session

from .apply import check_combined, combine, write_files
from .graph import build_graph, run_config
from .nodes import OptimizeError
from .proposers import LLMProposer, Proposer, RulesProposer
from .report import RunReport
from .state import Result, empty_state
from .tools import OptimizeOptions, Tools

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
        meter = make_meter(session, options)
    except MeasurementError as exc:
        raise OptimizeError(str(exc)) from exc
    proposer = choose_proposer(tier, llm)
    tools = Tools(session, meter, options, tier, proposer, llm, progress or log.info)
    final: dict[str, Any] = build_graph().invoke(
        empty_state(), config=run_config(tools), context=tools
    )
    report = _report(tools, final, time.monotonic() - started)
    if apply and report.accepted:
        report = _apply(tools, final, report)
    return report


def make_meter(session: Session, options: OptimizeOptions) -> Meter:
    """The run's one meter, under the counter the options ask for."""
    choice = prepare_counter(session, options.counter)
    return Meter(session, choice, runs=options.runs, timeout=options.gate.timeout)


def choose_proposer(tier: Tier, llm: LLMClient | None) -> Proposer:
    """The offline rules at the low tier (or without a client), else the LLM."""
    return RulesProposer() if llm is None or not tier.uses_llm else LLMProposer(llm, tier)


def _report(tools: Tools, final: dict[str, Any], wall: float) -> RunReport:
    results: tuple[Result, ...] = (*final.get("results", []), *final.get("skipped", []))
    return RunReport(
        results,
        tools.usage(),
        tools.tier,
        dict(final.get("seconds", {})),
        final.get("gated", 0),
        wall,
        final.get("stopped"),
        tuple(final.get("notes", [])),
        gate_wall=final.get("gate_wall", 0.0),
    )


def _apply(tools: Tools, final: dict[str, Any], report: RunReport) -> RunReport:
    """Write the accepted rewrites, all together, once the whole suite passes with all of them."""
    targets = {name: ctx.baseline.target for name, ctx in final["baselines"].items()}
    files = combine(report.accepted, targets)
    tools.progress("checking the accepted rewrites together before writing them")
    check_combined(tools.session, files, final["suite"], tools.session.repo.layout.collect)
    originals = {t.path: t.source for t in targets.values()}
    written = write_files(tools.root, files, originals)
    return dataclasses.replace(report, applied=tuple(written))
