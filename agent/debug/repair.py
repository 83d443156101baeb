"""`ratchet debug`'s Mid and High tiers: the LDB loop over the Low tier's findings.

    fix = repair(session, report, tier, llm)      # report: what localize found

Each round:
1. the model sees the first failing test (its exception, its code), the suspects' functions
   with line numbers, and the suspect blocks with the state after each execution; it judges
   every block, correct or wrong with a reason, in one batched strict-JSON call, and names the
   function to fix;
2. it writes the fix (the whole def, the optimize reply's format), which the fix gate judges
   (fixgate.py: the rewrite engine, the reward-hack screen, the whole suite, the test files);
3. a rejected fix is traced block by block in the failing test with the fix in place, and the
   next round's request carries that trace beside why it was rejected.

Rounds end at the first accepted fix, after the tier's rounds, or when the LLM budget (calls,
tokens, seconds) would be passed. A reply that cannot be read after its one retry costs a round.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from agent.gate import Change, Target
from agent.gate.baseline import protected_digests
from agent.llm import (
    BudgetExhausted,
    Completer,
    ReplyError,
    Tier,
    ask_for_candidate,
    estimate_messages,
)
from agent.llm.review import (
    BlockVerdict,
    ShownBlock,
    ask_review,
    render_fix,
    render_review,
)
from agent.rewrite import Definition, locate_function
from profilers.blocks import run_traces
from profilers.hotspots import module_name
from profilers.probe import probe_files
from profilers.ratchet_probe.cfg import function_graphs
from sandbox.base import Session

from ..profiling import sources_of
from .fixgate import Before, FixVerdict, gate_fix
from .report import DebugReport
from .shown import debug_task, shown_block
from .trace import Traced, TracedCall, render_text

log = logging.getLogger(__name__)
TRACE_LINES = 40  # of a rejected fix's trace fed back to the model
EVIDENCE_LINES = 8  # of the failing run's output fed back
REF = re.compile(r"[\w./-]+\.py::[\w.]+\w")  # path::qualname inside a sentence
Status = Literal["accepted", "rejected", "unreadable"]


@dataclass(frozen=True)
class Attempt:
    round: int
    status: Status
    step: str  # review | fix (the replies), tests | apply | screen | suite (the gate)
    reason: str
    function: str = ""  # path::qualname the model chose to fix
    verdicts: tuple[BlockVerdict, ...] = ()
    why: str = ""
    patch: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "round": self.round,
            "status": self.status,
            "step": self.step,
            "reason": self.reason,
            "function": self.function,
            "why": self.why,
            "patch": self.patch,
            "blocks": [vars(v) for v in self.verdicts],
        }


@dataclass(frozen=True)
class Fix:
    tier: str
    attempts: tuple[Attempt, ...]
    change: Change | None = None  # the accepted fix
    stopped: str | None = None  # why the rounds ended early (the budget), if they did
    applied: tuple[str, ...] = ()  # files --apply wrote

    @property
    def accepted(self) -> Attempt | None:
        return next((a for a in self.attempts if a.status == "accepted"), None)

    def to_json(self) -> dict[str, Any]:
        last = self.accepted or (self.attempts[-1] if self.attempts else None)
        return {
            "verdict": "accepted" if self.accepted else "rejected",
            "patch": last.patch if last else "",
            "function": last.function if last else "",
            "reason": last.reason if last else (self.stopped or "no fix was proposed"),
            "tier": self.tier,
            "rounds": len({a.round for a in self.attempts}),
            "stopped": self.stopped,
            "applied": list(self.applied),
            "attempts": [a.to_json() for a in self.attempts],
        }


@dataclass(frozen=True)
class Loop:
    """One debug run's fixed parts: what every round shows and judges against."""

    session: Session
    report: DebugReport
    tier: Tier
    llm: Completer
    sources: Mapping[str, str]
    before: Before
    test_timeout: float
    progress: Callable[[str], None]


def repair(
    session: Session,
    report: DebugReport,
    tier: Tier,
    llm: Completer,
    *,
    test_timeout: float = 10.0,
    progress: Callable[[str], None] | None = None,
) -> Fix:
    """The LDB loop over `report`'s failing tests and suspects; see the module's docstring."""
    assert tier.model is not None and report.failing and report.blocks
    before = Before(
        tuple(t.nodeid for t in report.failing),
        frozenset(report.passing),
        report.collected,
        report.seconds,
        protected_digests(session.repo),
    )
    loop = Loop(
        session,
        report,
        tier,
        llm,
        sources_of(session),
        before,
        test_timeout,
        progress or log.info,
    )
    attempts: list[Attempt] = []
    told: list[str] = []  # what each rejected fix showed, for the next rounds
    for round_ in range(1, tier.rounds + 1):
        try:
            attempt, change, feedback = _round(loop, round_, told)
        except BudgetExhausted as exc:
            return Fix(tier.name, tuple(attempts), stopped=str(exc))
        attempts.append(attempt)
        loop.progress(f"fix, round {round_}: {attempt.status} at {attempt.step}: {attempt.reason}")
        if attempt.status == "accepted":
            return Fix(tier.name, tuple(attempts), change)
        if feedback:
            told.append(feedback)
    return Fix(tier.name, tuple(attempts))


def _round(loop: Loop, round_: int, told: Sequence[str]) -> tuple[Attempt, Change | None, str]:
    tier, model = loop.tier, str(loop.tier.model)
    messages, shown = _fitted(loop, told)
    if messages is None:
        return Attempt(round_, "unreadable", "review", _too_large(loop)), None, ""
    temperature, max_tokens = tier.temperature, tier.profile.max_tokens
    loop.progress(f"fix, round {round_}: asking {model} to judge {len(shown)} blocks")
    review = ask_review(
        loop.llm,
        messages,
        [b.number for b in shown],
        model=model,
        temperature=temperature,
        max_tokens=max_tokens,
    )
    if isinstance(review, ReplyError):
        return Attempt(round_, "unreadable", "review", review.message), None, ""
    target = _resolve(loop, review.fix) if review.fix else "no function was named"
    if isinstance(target, str) and "::" not in review.fix:
        # no usable name: the function of the first block judged wrong, else of the top block
        chosen = _suspect_ref(loop, review.wrong[0] if review.wrong else 1)
        log.debug("the judgement names no function (%s); fixing %s", target, chosen)
        target = _resolve(loop, chosen)
    if isinstance(target, str):
        attempt = Attempt(round_, "rejected", "fix", target, review.fix, review.verdicts)
        return attempt, None, f"Round {round_}: {target}"
    asked = render_fix(messages, review, target.path, target.qualname, target.function_text())
    fix = ask_for_candidate(
        loop.llm,
        asked,
        target.qualname,
        model=model,
        temperature=temperature,
        max_tokens=max_tokens,
    )
    ref = f"{target.path}::{target.qualname}"
    if isinstance(fix, ReplyError):
        return Attempt(round_, "unreadable", "fix", fix.message, ref, review.verdicts), None, ""
    loop.progress(f"fix, round {round_}: gating the fix of {ref}")
    verdict = gate_fix(loop.session, target, fix.source, loop.before)
    attempt = Attempt(
        round_,
        verdict.status,
        verdict.step,
        verdict.reason,
        ref,
        review.verdicts,
        fix.why or "",
        verdict.patch,
    )
    if verdict.status == "accepted":
        return attempt, verdict.change, ""
    return attempt, None, _feedback(loop, round_, target, fix.source, verdict)


def _fitted(
    loop: Loop, told: Sequence[str]
) -> tuple[list[dict[str, str]] | None, list[ShownBlock]]:
    """The review request with as many blocks (most suspicious first) and earlier rounds (latest
    first) as the model's context holds; None when not even the top block fits."""
    blocks = [shown_block(number, b) for number, b in enumerate(loop.report.blocks, 1)]
    room = loop.tier.profile.room()
    for keep_told in range(len(told), -1, -1):
        for count in range(len(blocks), 0, -1):
            task = debug_task(
                loop.report, loop.sources, blocks[:count], told[len(told) - keep_told :]
            )
            messages = render_review(task)
            if estimate_messages(messages) <= room:
                return messages, blocks[:count]
    return None, []


def _too_large(loop: Loop) -> str:
    profile = loop.tier.profile
    return (
        f"the failing test's functions and blocks do not fit the {profile.context:,}-token "
        f"context of {loop.tier.model} with room for a reply; debug one test with --test, or "
        "use a model with a larger context"
    )


def _suspect_ref(loop: Loop, number: int) -> str:
    block = loop.report.blocks[min(number, len(loop.report.blocks)) - 1].suspect.block
    return f"{block.path}::{block.qualname}"


def _resolve(loop: Loop, named: str) -> Target | str:
    """The function the model named, as path::qualname (or a shown function's bare name), or
    a sentence saying why it names none."""
    shown = list(
        dict.fromkeys(
            f"{b.suspect.block.path}::{b.suspect.block.qualname}" for b in loop.report.blocks
        )
    )
    ref = named.strip().strip("`")
    if ref not in shown:  # small models write a sentence around the name: find the name in it
        mentioned = [s for s in shown if s in named]
        token = REF.search(named)
        ref = mentioned[0] if len(mentioned) == 1 else token.group(0) if token else ref
    if "::" not in ref:
        matches = [s for s in shown if s.split("::")[1].rsplit(".", 1)[-1] == ref.rsplit(".")[-1]]
        ref = matches[0] if len(matches) == 1 else ref
    path, _, qualname = ref.partition("::")
    qualname = qualname.replace(".<locals>", "")
    text = loop.sources.get(path)
    if text is None or not qualname:
        return (
            f"{named!r} names no function of the repo; name the function to fix as "
            f"path::name, one of {', '.join(shown)}."
        )
    found = locate_function(text, qualname, path=path)
    if not isinstance(found, Definition):
        return f"{named!r} names no function of {path} ({found.reason})."
    root = loop.session.repo.root
    dotted = f"{module_name(path)}.{qualname}"
    return Target(dotted, path, qualname, (root / path).read_bytes())


def _feedback(loop: Loop, round_: int, target: Target, code: str, verdict: FixVerdict) -> str:
    """What the next round is told about a rejected fix: the fix, why, the run's end, and the
    fixed function's blocks in the failing test."""
    ref = f"{target.path}::{target.qualname}"
    told = (
        f"Round {round_}: this fix of {ref} was rejected at the {verdict.step} step: "
        f"{verdict.reason}\n```python\n{code.strip()}\n```"
    )
    if verdict.evidence.strip():
        lines = verdict.evidence.strip().splitlines()[-EVIDENCE_LINES:]
        told += "\nThe end of the test run's output:\n" + "\n".join(f"  {ln}" for ln in lines)
    if verdict.change is not None:
        trace = _traced(loop, verdict.change)
        if trace:
            told += f"\nWith this fix, {loop.report.failing[0].nodeid} ran {ref} like this:\n"
            told += trace
    return told


def _traced(loop: Loop, change: Change) -> str:
    """The fixed function block by block in the first failing test, with the fix in place; ""
    when it cannot be traced (the fix broke the module, or the test did not call it)."""
    target, test = change.target, loop.report.failing[0].nodeid
    text = change.source.decode("utf-8", errors="replace")
    try:
        graph = function_graphs(text, target.path)[target.qualname]
    except (SyntaxError, ValueError, KeyError):
        return ""
    files = {**change.files, **probe_files()}
    with loop.session.workspace(files) as ws:
        run = run_traces(
            ws, [test], [f"{target.path}::{target.qualname}"], test_timeout=loop.test_timeout
        )
    traced = run.tests.get(test)
    if traced is None or not traced.calls:
        log.debug("the fix of %s could not be traced in %s: %s", target.function, test, run.problem)
        return ""
    code = tuple(graph.source_of(block, text.splitlines()) for block in graph.blocks)
    calls = tuple(TracedCall(test, call) for call in traced.calls[:2])
    lines = render_text(Traced(target.function, graph, code, calls, 1)).splitlines()
    if len(lines) > TRACE_LINES:
        lines = [*lines[:TRACE_LINES], f"(and {len(lines) - TRACE_LINES} more lines)"]
    return "\n".join(lines)


def with_applied(fix: Fix, written: Sequence[str]) -> Fix:
    return replace(fix, applied=tuple(written))
