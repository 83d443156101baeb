"""Where candidates come from: the offline rules (the Low tier) or an LLM (Mid and High).

A proposer turns a target and what was rejected before into this round's candidates. A reply
the LLM could not shape into a candidate (after its one retry) is a failed candidate, returned
with the reason so the report counts it.
"""

from __future__ import annotations

import ast
import logging
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from agent.gate import Target
from agent.llm import (
    Candidate,
    Completer,
    OptimizeTask,
    ReplyError,
    Tier,
    ask_for_candidates,
    estimate_messages,
    render_optimize,
)
from agent.rules.proposer import propose as propose_rules

from .context import PromptContext
from .state import Judged, Proposed

log = logging.getLogger(__name__)
EVIDENCE_LINES = 12  # lines of a rejection's evidence passed back to the model
TRACES_SHOWN = 2  # block traces in one prompt: those of the latest traced rejections


@dataclass(frozen=True)
class Failed:
    """A candidate that never reached the gate: the reply could not be read."""

    origin: str
    reason: str


class Proposer(Protocol):
    name: str

    def refuses(self, module: str, qualname: str, path: str) -> str | None:
        """Why it could propose nothing for `qualname` of `module`'s text, known on the host
        before any baseline is taken; None when it may propose something."""

    def propose(
        self, target: Target, round_: int, history: Sequence[Judged], context: PromptContext
    ) -> list[Proposed | Failed]: ...


class RulesProposer:
    """The Low tier: every offline rule that fires, alone and chained. One round: rules are
    deterministic, so a second round would propose the same candidates."""

    name = "rules"

    def refuses(self, module: str, qualname: str, path: str) -> str | None:
        found, _ = propose_rules(module, qualname, path=path)
        return None if found else "no offline rule applies to it"

    def propose(
        self, target: Target, round_: int, history: Sequence[Judged], context: PromptContext
    ) -> list[Proposed | Failed]:
        if round_ > 1:
            return []
        found, failures = propose_rules(target.text(), target.qualname, path=target.path)
        for failure in failures:
            log.debug("rule %s did not fit %s: %s", failure.rule, target.function, failure)
        return [
            Proposed(f"rules: {' + '.join(p.rules)}", p.source, True, p.diff, ", ".join(p.rules))
            for p in found
        ]


class LLMProposer:
    """Mid and High: `tier.candidates` replies per round; from round 2 on, the prompt carries
    why every earlier candidate was rejected."""

    name = "llm"

    def __init__(self, client: Completer, tier: Tier) -> None:
        assert tier.model is not None, "the low tier has no model"
        self.client = client
        self.tier = tier
        self.model: str = tier.model

    def refuses(self, module: str, qualname: str, path: str) -> str | None:
        return None  # only the model's reply says whether it has a rewrite

    def propose(
        self, target: Target, round_: int, history: Sequence[Judged], context: PromptContext
    ) -> list[Proposed | Failed]:
        task = OptimizeTask(
            qualname=target.qualname,
            path=target.path,
            source=target.function_text(),
            arguments=context.arguments,
            callees=context.callees,
            evidence=_evidence(history, TRACES_SHOWN),
            candidates=self.tier.candidates,
        )
        messages = render_optimize(task)
        profile = self.tier.profile
        if estimate_messages(messages) > profile.room() and any(j.trace for j in history):
            log.debug("the block traces leave no room for a reply; the prompt goes without them")
            messages = render_optimize(replace(task, evidence=_evidence(history, 0)))
        if (prompt := estimate_messages(messages)) > profile.room():
            reason = (
                f"the prompt (about {prompt:,} tokens) leaves no room for a reply in the "
                f"{profile.context:,}-token context of {self.model} ({profile.max_tokens or 0:,} are "
                "kept for the reply); name a smaller function, or use a model with a larger context"
            )
            return [Failed(f"llm: round {round_}", reason)]
        replies = ask_for_candidates(
            self.client,
            messages,
            target.qualname,
            model=self.model,
            n=self.tier.candidates,
            temperature=self.tier.temperature,
            max_tokens=profile.max_tokens,
        )
        return [_proposed(reply, round_, index) for index, reply in enumerate(replies, 1)]


def _proposed(reply: Candidate | ReplyError, round_: int, index: int) -> Proposed | Failed:
    origin = f"llm: round {round_}, reply {index}"
    if isinstance(reply, ReplyError):
        return Failed(origin, reply.message)
    return Proposed(origin, reply.source, why=reply.why or "")


def drop_repeats(
    found: Sequence[Proposed], history: Sequence[Judged]
) -> tuple[list[Proposed], list[Failed]]:
    """The candidates whose code (up to comments and layout) no earlier candidate of this target
    had, and a Failed for each repeat naming the first: a small model at a low temperature often
    sends the same rewrite twice, and one gate run is enough for it."""
    seen = {_shape(j.proposed.text): j.proposed.origin for j in history if j.proposed.text}
    kept: list[Proposed] = []
    repeats: list[Failed] = []
    for proposed in found:
        shape = _shape(proposed.text)
        if (first := seen.get(shape)) is not None:
            repeats.append(Failed(proposed.origin, f"a repeat of {first}, which is judged once"))
            continue
        seen[shape] = proposed.origin
        kept.append(proposed)
    return kept, repeats


def _shape(text: str) -> str:
    try:
        return ast.dump(ast.parse(textwrap.dedent(text)))
    except (SyntaxError, ValueError):
        return text.strip()


def _evidence(history: Sequence[Judged], traces: int) -> tuple[str, ...]:
    """Each rejection's evidence; the block traces of only the latest `traces` that have one,
    as a prompt has room for few (the small local models have a 4k context)."""
    shown = {id(j) for j in [j for j in history if j.trace][-traces:]} if traces else set()
    return tuple(rejection_evidence(j, trace=id(j) in shown) for j in history)


def rejection_evidence(judged: Judged, *, trace: bool = True) -> str:
    """Why a candidate was rejected, for the model: its code, the step, the reason and the
    evidence behind it (the failing test's output, the differing call, or the counts), and
    with `trace` the block traces of the original and the candidate on that input, if taken."""
    verdict = judged.verdict
    code = judged.proposed.text if not judged.proposed.whole_module else verdict.patch
    lines = verdict.evidence.strip().splitlines()[:EVIDENCE_LINES]
    evidence = "\n".join(lines)
    told = f"This candidate ({judged.proposed.origin}):\n```python\n{code.strip()}\n```\n"
    told += f"was rejected at the {verdict.step} step: {verdict.reason}"
    if evidence:
        told += f"\nEvidence:\n{evidence}"
    if verdict.instructions is not None:
        counts = verdict.instructions
        told += (
            f"\nInstructions ({counts.counter}): before {', '.join(map(str, counts.before))}; "
            f"after {', '.join(map(str, counts.after))}."
        )
    if trace and judged.trace:
        told += f"\n{judged.trace}"
    return told
