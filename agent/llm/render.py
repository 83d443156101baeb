"""Prompts: the templates in prompts/ filled from plain values. Pure functions, no I/O but
reading the package's own template files.

    render_optimize(task)                     the system and user messages for a first round
    render_refine(messages, reply, evidence)  the conversation continued after a rejection
    render_format_error(error)                (agent.llm.reply) the feedback for an unreadable reply
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from string import Template

Message = dict[str, str]
PROMPTS = Path(__file__).parent / "prompts"


@dataclass(frozen=True)
class HotLine:
    """A line of the target's file and its share of the profile's samples (0 to 1)."""

    line: int
    share: float


@dataclass(frozen=True)
class OptimizeTask:
    """What the proposer knows about one target. Only the first three are required.

    `first_line` is the file line of `source`'s first line, so hot lines can be quoted;
    `arguments` and `callees` are one line each (e.g. `items: list[int], len 10000`,
    `def lookup(key: str) -> int`); `evidence` holds sentences from the gate about earlier
    rejected candidates; `candidates` is how many independent replies are being asked for.
    """

    qualname: str
    path: str
    source: str
    first_line: int = 1
    hot_lines: tuple[HotLine, ...] = ()
    arguments: tuple[str, ...] = ()
    callees: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    candidates: int = 1

    @property
    def name(self) -> str:
        """The def's own name: the last part of the qualified name."""
        return last_name(self.qualname)


def render_optimize(task: OptimizeTask) -> list[Message]:
    """The system and user messages asking for one rewrite of the task's function."""
    user = fill(
        "optimize_user.txt",
        qualname=task.qualname,
        path=task.path,
        name=task.name,
        fence=fence_for(task.source),
        source=task.source.rstrip("\n"),
        context=_context(task),
    )
    return [
        {"role": "system", "content": fill("optimize_system.txt")},
        {"role": "user", "content": user},
    ]


def render_refine(
    messages: Sequence[Message], reply: str, evidence: Sequence[str], function_name: str
) -> list[Message]:
    """The conversation continued: the model's reply, then why Ratchet rejected it."""
    text = fill("refine.txt", evidence=_bullets(evidence), name=last_name(function_name))
    return [*messages, {"role": "assistant", "content": reply}, {"role": "user", "content": text}]


def fill(template: str, **values: object) -> str:
    """The named template from prompts/ with its $fields filled."""
    return Template(_template(template)).substitute(values).strip() + "\n"


def fence_for(source: str) -> str:
    """A backtick fence longer than any run of backticks in the source."""
    longest = max((len(run) for run in re.findall(r"`+", source)), default=0)
    return "`" * max(3, longest + 1)


def last_name(qualname: str) -> str:
    return qualname.rsplit(".", 1)[-1]


@functools.cache
def _template(name: str) -> str:
    return (PROMPTS / name).read_text(encoding="utf-8")


def _context(task: OptimizeTask) -> str:
    """The optional sections, each a heading and its lines; blank-line separated."""
    sections = [
        ("Where the time goes (line of the file: share of profile samples):", _hot(task)),
        ("Arguments recorded from the tests:", task.arguments),
        ("Functions it calls:", task.callees),
        ("Earlier candidates were rejected; do not repeat these mistakes:", task.evidence),
    ]
    parts = [f"{heading}\n{_bullets(lines)}" for heading, lines in sections if lines]
    if task.candidates > 1:
        parts.append(
            f"{task.candidates} candidates are being asked for independently; "
            "send the rewrite you expect to save the most instructions."
        )
    return "".join(f"\n{part}\n" for part in parts)


def _hot(task: OptimizeTask) -> tuple[str, ...]:
    lines = task.source.splitlines()
    out = []
    for hot in sorted(task.hot_lines, key=lambda h: -h.share):
        index = hot.line - task.first_line
        text = f": `{lines[index].strip()}`" if 0 <= index < len(lines) else ""
        out.append(f"line {hot.line} ({hot.share:.0%}){text}")
    return tuple(out)


def _bullets(lines: Sequence[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)
