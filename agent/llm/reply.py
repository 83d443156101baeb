"""Reading an LLM's reply strictly: exactly one ```python block that parses and defines the
target exactly once at its top level, beside only imports and module-level helpers. The same
block sent again (small local models loop until their token limit) is the same answer, not a
second one; two different blocks are a question the model must answer, not one to guess.

    parse_reply(text, function_name) -> Candidate(source, why) | ReplyError(message)

A ReplyError's message is written for the model: what was wrong, quoting it, and what to send
instead; `render_format_error` wraps it into the message that is fed back.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from .render import Message, fill, last_name

OPEN = re.compile(r"^[ \t]{0,3}(`{3,})[ \t]*([^`\s]*)[^`]*$")
PYTHON = frozenset({"python", "py", "python3"})
WHY = re.compile(r"^[ \t>*_]*why[*_]*[ \t]*:[*_]*[ \t]*(.+?)[ \t]*$", re.IGNORECASE | re.MULTILINE)
ALLOWED = (
    ast.Import,
    ast.ImportFrom,
    ast.Assign,
    ast.AnnAssign,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
)
SEND = "imports, module-level helpers and the whole def of `{name}`"


@dataclass(frozen=True)
class Candidate:
    """The code of the reply's python block, and its one-line reason (None when it gave none)."""

    source: str
    why: str | None = None


@dataclass(frozen=True)
class ReplyError:
    """Why the reply cannot be used, in sentences written for the model."""

    message: str


@dataclass(frozen=True)
class Block:
    language: str
    code: str
    start: int  # the index in the reply's lines of the opening fence
    closed: bool


def parse_reply(text: str, function_name: str) -> Candidate | ReplyError:
    """The candidate in the reply, or what is wrong with the reply's shape."""
    name = last_name(function_name)
    blocks = fenced_blocks(text)
    python = _distinct([b for b in blocks if b.language.lower() in PYTHON])
    if len(python) != 1:
        return ReplyError(_count_problem(python, blocks, name))
    block = python[0]
    if not block.closed:
        return ReplyError(
            "Your ```python block was never closed, so the reply may have been cut off; send "
            f"the whole block again, closed with ```, holding {SEND.format(name=name)}."
        )
    if isinstance(problem := _code_problem(block.code, name), str):
        return ReplyError(problem)
    before = "\n".join(text.splitlines()[: block.start])
    why = match.group(1) if (match := WHY.search(before)) else None
    return Candidate(block.code, why)


def _distinct(blocks: list[Block]) -> list[Block]:
    """The blocks less repeats of an earlier block's exact code: a small model at its token
    limit often loops, sending the same block again and again, and that is still one answer.
    A repeat that was cut off (unclosed) counts as a repeat when its code starts the same."""
    kept: list[Block] = []
    for block in blocks:
        if any(_same(earlier, block) for earlier in kept):
            continue
        kept.append(block)
    return kept


def _same(earlier: Block, later: Block) -> bool:
    if later.closed:
        return earlier.code == later.code
    return earlier.closed and earlier.code.startswith(later.code.rstrip("\n"))


def render_format_error(error: ReplyError) -> Message:
    """The user message that feeds a ReplyError back to the model."""
    return {"role": "user", "content": fill("format_error.txt", message=error.message)}


def fenced_blocks(text: str) -> list[Block]:
    """The reply's fenced code blocks in order; a block still open at the end is not `closed`."""
    blocks: list[Block] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        if not (opening := OPEN.match(lines[index])):
            index += 1
            continue
        fence, language = opening.groups()
        end = next(
            (i for i in range(index + 1, len(lines)) if _closes(lines[i], fence)), len(lines)
        )
        code = "\n".join(lines[index + 1 : end]) + "\n"
        blocks.append(Block(language, code, index, end < len(lines)))
        index = end + 1
    return blocks


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(fence) and set(stripped) == {"`"}


def _count_problem(python: list[Block], blocks: list[Block], name: str) -> str:
    send = f"send exactly one ```python block holding {SEND.format(name=name)}."
    if python:
        return f"Your reply had {len(python)} python blocks; {send}"
    if blocks and not blocks[0].language:
        return f"Your reply's code block had no language tag; open it with ```python and {send}"
    if blocks:
        return f"Your reply's code block was tagged `{blocks[0].language}`, not python; {send}"
    return f"Your reply had no ```python block; {send}"


def _code_problem(code: str, name: str) -> str | None:
    """What is wrong with the block's code, or None."""
    module = _parse(code)
    if isinstance(module, str):
        return module
    defs = [
        s
        for s in module.body
        if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == name
    ]
    if len(defs) > 1:
        return (
            f"Your block defines `{name}` {len(defs)} times; send exactly one def of `{name}` "
            "and give helpers other names."
        )
    if not defs:
        return _missing_def(module, name)
    for statement in module.body:
        if not isinstance(statement, ALLOWED):
            line = ast.unparse(statement).splitlines()[0]
            return (
                f"Your block also has `{line}` at its top "
                f"level; send only {SEND.format(name=name)}, with no example calls or tests."
            )
    return None


def _parse(code: str) -> ast.Module | str:
    """The block's module, or a sentence quoting the line that does not parse."""
    indented = next((ln for ln in code.splitlines() if ln.strip()), "")[:1] in (" ", "\t")
    source = "if True:\n" + code if indented else code
    try:
        module = ast.parse(source)
    except SyntaxError as exc:
        line = (exc.lineno or 1) - indented
        lines = code.splitlines()
        quoted = f": `{lines[line - 1].strip()}`" if 0 < line <= len(lines) else ""
        return (
            f"The code in your python block does not parse ({exc.msg}, line {line} of the "
            f"block{quoted}); send valid Python."
        )
    if indented:
        first = module.body[0]
        assert isinstance(first, ast.If)
        return ast.Module(body=[*first.body, *module.body[1:]], type_ignores=[])
    return module


def _missing_def(module: ast.Module, name: str) -> str:
    for statement in module.body:
        if isinstance(statement, ast.ClassDef) and any(
            isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef)) and s.name == name
            for s in statement.body
        ):
            return (
                f"Your block wraps `{name}` in class `{statement.name}`; send only the "
                f"method's def, without the class around it."
            )
    others = [s.name for s in module.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
    found = f"defines {', '.join(f'`{o}`' for o in others)} but " if others else ""
    return (
        f"Your block {found}has no top-level def of `{name}`; send the whole def of `{name}` "
        "with its signature unchanged, not only part of its body."
    )
