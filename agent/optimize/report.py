"""The end of a run: what happened to each function, in text, JSON (version 1) or Markdown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from agent.llm import Tier, Usage

from .state import Judged, Result


@dataclass(frozen=True)
class RunReport:
    results: tuple[Result, ...]  # worked-on targets first, then the skipped ones
    usage: Usage
    tier: Tier
    seconds: Mapping[str, float]  # wall time per graph node
    gated: int  # candidates that went through the gate
    wall: float
    stopped: str | None = None
    notes: tuple[str, ...] = ()
    applied: tuple[str, ...] = field(default=())  # files written by --apply
    gate_wall: float = 0.0  # wall time while candidates were being gated

    @property
    def per_minute(self) -> float:
        """Candidates gated per minute of gating wall time."""
        return 60 * self.gated / self.gate_wall if self.gate_wall else 0.0

    @property
    def accepted(self) -> list[Result]:
        return [r for r in self.results if r.status == "accepted"]

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "budget": self.tier.name,
            "model": self.tier.model,
            "results": [_result_json(r) for r in self.results],
            "llm": {
                "calls": self.usage.calls,
                "prompt_tokens": self.usage.prompt_tokens,
                "completion_tokens": self.usage.completion_tokens,
                "estimated": self.usage.estimated,
                "seconds": round(self.usage.seconds, 2),
            },
            "candidates_gated": self.gated,
            "candidates_per_minute": round(self.per_minute, 2),
            "seconds": {"total": round(self.wall, 2)}
            | {node: round(s, 2) for node, s in sorted(self.seconds.items())},
            "stopped": self.stopped,
            "applied": list(self.applied),
        }


def _instructions(result: Result) -> dict[str, Any] | None:
    verdict = result.best.verdict if result.best else None
    counts = verdict.instructions if verdict else None
    if counts is None or not counts.before or not counts.after:
        return None
    before, after = _median(counts.before), _median(counts.after)
    return {
        "counter": counts.counter,
        "unit": counts.unit,
        "before": before,
        "after": after,
        "gain": round((before - after) / before, 6),
    }


def _median(values: Sequence[int]) -> int:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def _result_json(result: Result) -> dict[str, Any]:
    verdict = result.best.verdict if result.best else None
    return {
        "function": result.function,
        "file": result.file,
        "status": result.status,
        "reason": result.reason,
        "instructions": _instructions(result),
        "patch": verdict.patch if verdict and result.status == "accepted" else None,
        "tests": None if verdict is None else vars(verdict.tests),
        "candidates": result.candidates,
        "rounds": result.rounds,
        "tokens": result.tokens,
        "attempts": [_attempt_json(j) for j in result.attempts],
    }


def _attempt_json(judged: Judged) -> dict[str, Any]:
    verdict = judged.verdict
    counts = verdict.instructions
    return {
        "origin": judged.proposed.origin,
        "status": verdict.status,
        "step": verdict.step,
        "reason": verdict.reason,
        "gain": None if counts is None or counts.gain is None else round(counts.gain, 6),
    }


def _row(result: Result) -> list[str]:
    counts = _instructions(result)
    verdict = result.best.verdict if result.best else None
    tests = (
        f"{verdict.tests.passed}/{verdict.tests.baseline_passed}"
        if verdict and verdict.tests.baseline_passed
        else "-"
    )
    if counts is None:
        numbers = ["-", "-", "-"]
    else:
        numbers = [f"{counts['before']:,}", f"{counts['after']:,}", f"{counts['gain']:.1%}"]
    return [result.function, result.status, *numbers, tests, str(result.tokens)]


HEADER = ["function", "status", "before", "after", "gain", "tests", "tokens"]


def render_table(report: RunReport) -> str:
    rows = [HEADER, *(_row(r) for r in report.results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = []
    for index, row in enumerate(rows):
        cells = [
            c.ljust(w) if i < 2 else c.rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render_text(report: RunReport, diff: bool = True) -> str:
    parts = []
    if diff:
        parts += [r.best.verdict.patch.rstrip("\n") for r in report.accepted if r.best]
    parts.append(render_table(report))
    reasons = [f"  {r.function}: {r.reason}" for r in report.results if r.status != "accepted"]
    if reasons:
        parts.append("why not:\n" + "\n".join(reasons))
    parts.append(_summary(report))
    return "\n\n".join(parts)


def render_markdown(report: RunReport) -> str:
    rows = [HEADER, ["---"] * len(HEADER), *(_row(r) for r in report.results)]
    table = "\n".join("| " + " | ".join(row) + " |" for row in rows)
    parts = ["## Ratchet", table]
    for result in report.accepted:
        if result.best:
            parts.append(
                f"<details><summary>{result.function}: {result.reason}</summary>\n\n"
                f"```diff\n{result.best.verdict.patch.rstrip()}\n```\n</details>"
            )
    rejected = [f"- `{r.function}`: {r.reason}" for r in report.results if r.status != "accepted"]
    if rejected:
        parts.append("\n".join(rejected))
    parts.append(_summary(report))
    return "\n\n".join(parts)


def _summary(report: RunReport) -> str:
    usage = report.usage
    accepted = len(report.accepted)
    llm = (
        f"; LLM: {usage.calls} calls, {usage.prompt_tokens:,} prompt + "
        f"{usage.completion_tokens:,} completion tokens{' (estimated)' if usage.estimated else ''}"
        if report.tier.uses_llm
        else ""
    )
    functions = len(report.results)
    line = (
        f"{accepted} of {functions} function{'s' * (functions != 1)} improved; {report.gated} "
        f"candidate{'s' * (report.gated != 1)} gated in {report.wall:.0f}s "
        f"({report.tier.name} budget{llm})."
    )
    extra = [f"stopped early: {report.stopped}"] if report.stopped else []
    extra += list(report.notes)
    if report.applied:
        extra.append("wrote " + ", ".join(report.applied))
    return "\n".join([line, *extra])
