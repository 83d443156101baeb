"""What the debug model is shown: the Low tier's findings as the review prompt's parts.

    blocks = [shown_block(number, located) for number, located in enumerate(report.blocks, 1)]
    task = debug_task(report, sources, blocks, told)   # -> agent.llm.review.DebugTask

Only the repo's own frames of the failure's traceback are shown (the test framework's are
noise to the model), and each suspect's function with its file's line numbers, so the model
can relate the blocks' lines to the code it will fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from agent.llm.review import DebugTask, ShownBlock, ShownFunction
from agent.rewrite import Definition, function_source, locate_function
from profilers.blocks import TestRun

from .report import DebugReport, Located

FRAMES = 3  # innermost traceback frames shown


def debug_task(
    report: DebugReport,
    sources: Mapping[str, str],
    blocks: Sequence[ShownBlock],
    told: Sequence[str] = (),
) -> DebugTask:
    """What the model is shown of `report`'s first failing test: `blocks` (of shown_blocks),
    their functions with line numbers, the test's code and exception, and `told`."""
    failing = report.failing[0]
    refs = list(dict.fromkeys(b.ref for b in blocks))
    functions = tuple(f for ref in refs if (f := _shown_function(sources, ref)) is not None)
    return DebugTask(
        failing.nodeid,
        _failure(failing),
        functions,
        tuple(blocks),
        _test_source(sources, failing.nodeid),
        tuple(told),
    )


def shown_block(number: int, located: Located) -> ShownBlock:
    ref = located.suspect.block
    lines = str(ref.start_line)
    if ref.end_line != ref.start_line:
        lines += f"-{ref.end_line}"
    states = tuple(
        f"call {e.call}, #{e.iteration}: "
        + (", ".join(f"{n} = {v}" for n, v in e.state) or "(no variable changed)")
        for e in located.executions
    )
    return ShownBlock(number, f"{ref.path}::{ref.qualname}", lines, located.code, states)


def _shown_function(sources: Mapping[str, str], ref: str) -> ShownFunction | None:
    path, _, qualname = ref.partition("::")
    qualname = qualname.replace(".<locals>", "")
    text = sources.get(path)
    found = locate_function(text, qualname, path=path) if text is not None else None
    if not isinstance(found, Definition) or text is None:
        return None
    code = function_source(text, qualname, path=path)
    return None if not isinstance(code, str) else ShownFunction(ref, found.first_line, code)


def _failure(test: TestRun) -> str:
    failure = test.failure
    if failure is None:
        return "It failed; pytest gave no exception."
    ours = [f for f in failure.frames if not f[0].startswith("/")] or list(failure.frames)
    where = "\n".join(f"  {path}:{line} in {name}" for path, line, name in ours[-FRAMES:])
    hang = " (a hang: the test was stopped by the timeout)" if failure.hang else ""
    return (
        f"It failed{hang} with:\n  {failure.message.strip()}\nraised at (innermost last):\n{where}"
    )


def _test_source(sources: Mapping[str, str], nodeid: str) -> str:
    path, _, rest = nodeid.partition("::")
    qualname = rest.split("[", 1)[0].replace("::", ".")
    text = sources.get(path)
    found = function_source(text, qualname, path=path) if text and qualname else None
    return found if isinstance(found, str) else ""
