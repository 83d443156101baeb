"""The original and a rejected candidate, block by block, on the input the candidate got wrong:
which call differs, where its trace first differs, and the text that tells the model so.

    text = render_comparison(test, original, candidate)   # Side: block code + CallTraces

Pure: explain.py takes the traces in the sandbox; this module only compares and renders them.

The candidate is a different function, so its blocks are a different graph: block 3 of the
candidate is not block 3 of the original. Steps are therefore compared by their position in
the step sequence (step n of one call against step n of the other) and by their state: two
steps agree when their states map the same names to the same reprs, or, when they share no
name at all (a renamed variable), hold the same reprs in the same order. The first step that
does not agree (or that one trace has and the other lacks) is marked. Positions are those of
the tracer's kept sample, which keeps the first and last iterations of long loops, so past a
skipped stretch a position is approximate; the counts of what was skipped are shown.

The text goes into an LLM prompt (the small local models have a 4k context), so it is bounded:
a few steps on either side of the difference, each line clipped, with counts of what was left
out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from profilers.ratchet_probe.blocktrace import CallTrace, Step

BEFORE = 2  # steps shown before the first difference
AFTER = 2  # and after it
CODE_CHARS = 60  # of a block's first line of code
STATE_CHARS = 100  # of a step's state
HEADER_CHARS = 160  # of a call's line (arguments and outcome)
MARKER = "<-- first difference"


@dataclass(frozen=True)
class Side:
    """One side's calls of the target in the test, and the code of its graph's blocks."""

    code: tuple[str, ...]  # each block's code, by block index
    calls: tuple[CallTrace, ...]


def pick_call(original: Sequence[CallTrace], candidate: Sequence[CallTrace]) -> int:
    """The index of the first call (paired by position) whose outcome or returned value differs
    between the two sides, else 0: the call the model most needs to see."""
    for index, (a, b) in enumerate(zip(original, candidate, strict=False)):
        if (a.outcome, a.returned) != (b.outcome, b.returned):
            return index
    return 0


def same_state(a: Step, b: Step) -> bool:
    """The two steps leave the same state (see the module's docstring for why not the block)."""
    left, right = dict(a.state), dict(b.state)
    if left.keys() & right.keys() or not (left and right):
        return left == right
    return list(left.values()) == list(right.values())


def first_difference(original: CallTrace, candidate: CallTrace) -> int | None:
    """The position of the first step whose state differs, or that only one call has; None when
    the two calls' kept steps agree all the way."""
    for index, (a, b) in enumerate(zip(original.steps, candidate.steps, strict=False)):
        if not same_state(a, b):
            return index
    if len(original.steps) != len(candidate.steps):
        return min(len(original.steps), len(candidate.steps))
    return None


def render_comparison(test: str, original: Side, candidate: Side) -> str:
    """Both traces of the call that differs, original first, the first differing step marked;
    "" when either side has no call to show."""
    if not original.calls or not candidate.calls:
        return ""
    index = pick_call(original.calls, candidate.calls)
    index = min(index, len(original.calls) - 1, len(candidate.calls) - 1)
    before, after = original.calls[index], candidate.calls[index]
    differs = first_difference(before, after)
    start, stop = _window(differs, max(len(before.steps), len(after.steps)))
    counts = f"call {index + 1} of {len(original.calls)}"
    if len(candidate.calls) != len(original.calls):
        counts += f" (the candidate made {len(candidate.calls)})"
    lines = [
        f"Block trace in {test}, {counts}: each step is a block that ran, its first line of "
        "code, and the values it left. The candidate's blocks are its own, so steps are "
        "compared by position and values.",
        *_side_lines("original", original.code, before, start, stop, differs),
        *_side_lines("candidate", candidate.code, after, start, stop, differs),
    ]
    if differs is None:
        lines.append("No step's values differ in the steps kept; the difference is elsewhere.")
    return "\n".join(lines)


def _window(differs: int | None, length: int) -> tuple[int, int]:
    """The positions shown: around the difference, else from the start."""
    if differs is None:
        return 0, min(length, BEFORE + AFTER + 1)
    return max(0, differs - BEFORE), min(length, differs + AFTER + 1)


def _side_lines(
    name: str, code: Sequence[str], call: CallTrace, start: int, stop: int, marked: int | None
) -> list[str]:
    arguments = ", ".join(f"{n}={v}" for n, v in call.arguments)
    outcome = call.outcome + (f" {call.returned}" if call.returned is not None else "")
    header = _clip(f"{call.qualname.rsplit('.', 1)[-1]}({arguments}) {outcome}", HEADER_CHARS)
    lines = [f"{name}: {header}; {call.total} steps ran"]
    if start > 0:
        lines.append(f"  ... {start} earlier step(s) not shown")
    for position in range(start, min(stop, len(call.steps))):
        step = call.steps[position]
        line = f"  {position + 1}. {_code_line(code, step.block)}  => {_values(step)}"
        lines.append(line + (f"   {MARKER}" if position == marked else ""))
    if marked is not None and marked >= len(call.steps) and start <= marked < stop:
        lines.append(f"  {marked + 1}. (no such step: the call ended)   {MARKER}")
    later = len(call.steps) - max(stop, start)
    if later > 0:
        lines.append(f"  ... {later} later step(s) not shown")
    if call.skipped:
        lines.append(f"  ({call.skipped} repeated loop step(s) were not kept by the tracer)")
    return lines


def _code_line(code: Sequence[str], block: int) -> str:
    text = code[block] if 0 <= block < len(code) else ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first = lines[0] if lines else f"(block {block})"
    return f"`{_clip(first, CODE_CHARS)}`" + (" ..." if len(lines) > 1 else "")


def _values(step: Step) -> str:
    shown = ", ".join(f"{n} = {v}" for n, v in step.state)
    return _clip(shown, STATE_CHARS) if shown else "(nothing assigned)"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
