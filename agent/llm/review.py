"""The debug conversation (the LDB loop's LLM side): the model judges the failing test's blocks
in one batched call (strict JSON), then writes the fix in the optimize reply's format.

    messages = render_review(task)
    review = ask_review(client, messages, blocks=(1, 2, 3), model=...)
        # -> Review(verdicts, fix="stats.py::mean", text) | ReplyError
    fix_messages = render_fix(messages, review, path="stats.py", qualname="mean")
    # then ask_for_candidate(client, fix_messages, "mean", ...) as optimize does

The judgement must be one JSON object (bare, or the only ```json block of the reply) with a
verdict for every block shown, each block once; an unreadable one is sent back once with what
was wrong, as optimize does with an unreadable candidate.
"""

from __future__ import annotations

import json
import logging
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from .ask import Completer
from .render import Message, fence_for, fill, last_name
from .reply import ReplyError

log = logging.getLogger(__name__)
FENCED = re.compile(r"^\s*```[a-zA-Z]*[ \t]*\n(.*?)\n[ \t]*```\s*$", re.DOTALL)
TRAILING_COMMA = re.compile(r",(\s*[\]}])")
DEF = ("def ", "async def ")
Judged = Literal["correct", "wrong"]


@dataclass(frozen=True)
class ShownFunction:
    ref: str  # path::qualname, as the model names it back
    first_line: int
    source: str


@dataclass(frozen=True)
class ShownBlock:
    number: int  # 1 = the most suspicious
    ref: str  # its function's path::qualname
    lines: str  # "12" or "12-14"
    code: str
    states: tuple[str, ...]  # one line per execution shown: "call 1, #2: total = 3"


@dataclass(frozen=True)
class DebugTask:
    """What the model sees about one failing test. `attempts` are earlier rounds' rejected
    fixes, each a paragraph: the fix, why it was rejected, and the blocks it ran."""

    test: str
    failure: str  # the exception and where it was raised
    functions: tuple[ShownFunction, ...]
    blocks: tuple[ShownBlock, ...]
    test_source: str = ""
    attempts: tuple[str, ...] = ()


@dataclass(frozen=True)
class BlockVerdict:
    block: int
    verdict: Judged
    explanation: str


@dataclass(frozen=True)
class Review:
    verdicts: tuple[BlockVerdict, ...]
    fix: str  # the path::qualname the model chose to fix ("": none, or none Ratchet can use)
    text: str  # the reply as sent, for the conversation that follows

    @property
    def wrong(self) -> tuple[int, ...]:
        return tuple(v.block for v in self.verdicts if v.verdict == "wrong")


def render_review(task: DebugTask) -> list[Message]:
    """The system and user messages asking for a verdict on every block of the task."""
    user = fill(
        "debug_user.txt",
        test=task.test,
        failure=task.failure.strip(),
        test_source=_fenced("The test's code:", task.test_source),
        functions="\n\n".join(_function(f) for f in task.functions),
        blocks="\n\n".join(_block(b) for b in task.blocks),
        attempts="".join(f"\n{a.strip()}\n" for a in task.attempts),
        refs=", ".join(f.ref for f in task.functions),
        skeleton=skeleton([b.number for b in task.blocks]),
    )
    return [
        {"role": "system", "content": fill("debug_system.txt")},
        {"role": "user", "content": user},
    ]


def render_fix(
    messages: Sequence[Message], review: Review, path: str, qualname: str, source: str
) -> list[Message]:
    """The conversation continued: the model's judgement, then the request for the fix of the
    function whose current text is `source`."""
    name = last_name(qualname)
    signature = _fence(signature_of(source))
    ask = fill("debug_fix.txt", name=name, path=path, fence="```", signature=signature)
    return [
        *messages,
        {"role": "assistant", "content": review.text},
        {"role": "user", "content": ask},
    ]


def signature_of(source: str) -> str:
    """The def's header, decorators left out: from the `def` line to the line ending in `:`."""
    lines = textwrap.dedent(source).splitlines()
    start = next((i for i, ln in enumerate(lines) if ln.lstrip().startswith(DEF)), 0)
    end = next((i for i in range(start, len(lines)) if _code(lines[i]).endswith(":")), start)
    return "\n".join(lines[start : end + 1])


def _code(line: str) -> str:
    return line.split("#", 1)[0].rstrip()


def ask_review(
    client: Completer,
    messages: Sequence[Mapping[str, str]],
    blocks: Sequence[int],
    *,
    model: str,
    temperature: float | None = None,
    max_tokens: int | None = None,
) -> Review | ReplyError:
    """The model's verdicts on `blocks`: one request, and one more if the first is unreadable."""

    def complete(conversation: Sequence[Mapping[str, str]]) -> str:
        done = client.complete(
            conversation, model=model, temperature=temperature, max_tokens=max_tokens
        )
        return done.texts[0]

    text = complete(messages)
    first = parse_review(text, blocks)
    if isinstance(first, Review):
        return first
    log.debug("unreadable judgement (%s):\n%s", first.message, text)
    again = fill(
        "review_error.txt",
        message=first.message,
        blocks=", ".join(str(b) for b in blocks),
        skeleton=skeleton(blocks),
    )
    retry = [*messages, {"role": "assistant", "content": text}, {"role": "user", "content": again}]
    second = complete(retry)
    parsed = parse_review(second, blocks)
    if isinstance(parsed, ReplyError):
        log.debug("unreadable judgement again (%s):\n%s", parsed.message, second)
    return parsed


def skeleton(blocks: Sequence[int]) -> str:
    """The reply's shape with the block numbers filled in: small models copy a shape far more
    reliably than they follow a description of one (and then number blocks by their lines)."""
    entries = ",\n".join(
        f'  {{"block": {b}, "verdict": "...", "explanation": "..."}}' for b in blocks
    )
    return f'{{"blocks": [\n{entries}\n], "fix": "..."}}'


def parse_review(text: str, blocks: Sequence[int]) -> Review | ReplyError:
    """The verdicts in the reply, or what is wrong with its shape, in sentences for the model."""
    body = match.group(1) if (match := FENCED.match(text)) else text.strip()
    try:
        data = _loads(body)
    except json.JSONDecodeError as exc:
        return ReplyError(
            f"your reply is not one JSON object ({exc.msg} at line {exc.lineno}, column "
            f"{exc.colno}); send only the JSON object, with no text before or after it."
        )
    if not isinstance(data, dict) or not isinstance(data.get("blocks"), list):
        return ReplyError('your JSON has no "blocks" list; it must be an object with "blocks".')
    verdicts: dict[int, BlockVerdict] = {}
    for item in data["blocks"]:
        verdict = _verdict(item)
        if isinstance(verdict, ReplyError):
            return verdict
        if verdict.block not in blocks:
            return ReplyError(f"block {verdict.block} is not one of the blocks shown.")
        if verdict.block in verdicts:
            return ReplyError(f"block {verdict.block} is judged twice; judge each block once.")
        verdicts[verdict.block] = verdict
    if missing := [b for b in blocks if b not in verdicts]:
        return ReplyError(f"block {missing[0]} has no verdict; judge every block shown.")
    fix = data.get("fix", "")
    if not isinstance(fix, str):
        return ReplyError('"fix" must be a string: the function to fix, as path::name.')
    return Review(tuple(verdicts[b] for b in blocks), fix.strip().strip("."), text)


def _loads(body: str) -> object:
    """JSON, forgiving one thing small models often do: a comma before a closing bracket."""
    try:
        return json.loads(body)
    except json.JSONDecodeError:
        relaxed = TRAILING_COMMA.sub(r"\1", body)
        if relaxed == body:
            raise
        return json.loads(relaxed)


def _verdict(item: object) -> BlockVerdict | ReplyError:
    number = item.get("block") if isinstance(item, dict) else None
    if not isinstance(item, dict) or not isinstance(number, int) or isinstance(number, bool):
        return ReplyError('each entry of "blocks" needs "block": the block\'s number.')
    verdict = str(item.get("verdict", "")).strip().lower()
    if verdict not in ("correct", "wrong"):
        return ReplyError(
            f'block {item["block"]} has verdict {item.get("verdict")!r}; use "correct" or "wrong".'
        )
    explanation = item.get("explanation")
    if not isinstance(explanation, str) or not explanation.strip():
        return ReplyError(f"block {item['block']} has no explanation; give one sentence.")
    return BlockVerdict(item["block"], "wrong" if verdict == "wrong" else "correct", explanation)


def _function(shown: ShownFunction) -> str:
    numbered = "\n".join(
        f"{number:>4}  {line}"
        for number, line in enumerate(shown.source.rstrip("\n").splitlines(), shown.first_line)
    )
    return f"{shown.ref} (line numbers on the left):\n{_fence(numbered)}"


def _block(block: ShownBlock) -> str:
    states = "\n".join(f"  {line}" for line in block.states) or "  (not run in the failing test)"
    lines = f"line{'s' if '-' in block.lines else ''} {block.lines}"
    head = f"[block {block.number}] in {block.ref} ({lines} of the file):"
    return f"{head}\n{_fence(block.code)}\nAfter it:\n{states}"


def _fenced(heading: str, code: str) -> str:
    return f"\n{heading}\n{_fence(code)}\n" if code.strip() else ""


def _fence(code: str) -> str:
    fence = fence_for(code)
    return f"{fence}python\n{code.rstrip()}\n{fence}"
