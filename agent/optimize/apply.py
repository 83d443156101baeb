"""`--apply`: write the accepted rewrites into the user's tree, all or nothing.

Rewrites of different functions of one file were each gated alone, so they are combined first
(the offline rules run again on the updated module; an LLM's def replaces the function in it),
the whole suite runs once more with everything combined, and only then are the files written:
each to a temporary file beside it, then renamed over it. A file that changed since the run
started is never overwritten.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from agent.gate import Target
from agent.rewrite import Rejected, replace_function
from agent.rules.proposer import propose as propose_rules
from profilers.measure import probe_files
from profilers.suite import SuiteReport, run_suite
from sandbox.base import Session

from .state import Result


class ApplyError(Exception):
    """Nothing was written; the message says why and what to do."""


def combine(results: Sequence[Result], targets: dict[str, Target]) -> dict[str, bytes]:
    """The new bytes of every file with accepted rewrites, all of a file's rewrites in it."""
    texts: dict[str, str] = {}
    for result in results:
        if result.status != "accepted" or result.best is None:
            continue
        target = targets[result.function]
        text = texts.get(target.path, target.text())
        texts[target.path] = _apply_one(text, target, result)
    return {path: text.encode("utf-8") for path, text in texts.items()}


def _apply_one(text: str, target: Target, result: Result) -> str:
    assert result.best is not None
    proposed = result.best.proposed
    if proposed.whole_module:
        if text == target.text():
            return proposed.text
        found, _ = propose_rules(text, target.qualname, path=target.path)
        wanted = proposed.origin.removeprefix("rules: ").split(" + ")
        match = next((p for p in found if list(p.rules) == wanted), None)
        if match is None:
            raise ApplyError(
                f"the rewrite of {target.function} no longer applies once the file's other "
                "rewrites are in; apply the functions one at a time with --function."
            )
        return match.source
    replaced = replace_function(text, target.qualname, proposed.text, path=target.path)
    if isinstance(replaced, Rejected):
        raise ApplyError(f"the rewrite of {target.function} no longer applies: {replaced.reason}")
    return replaced.source


def check_combined(
    session: Session, files: dict[str, bytes], suite: SuiteReport, paths: Sequence[str]
) -> None:
    """The whole suite once more with every rewrite in place: exactly the same tests pass."""
    with session.workspace({**files, **probe_files()}) as ws:
        report = run_suite(ws, paths, extra_args=session.repo.layout.plugins_off)
    if report.passed != suite.passed or not report.finished:
        lost = sorted(suite.passed - report.passed)
        raise ApplyError(
            "the accepted rewrites pass the gate one by one but not together"
            + (f" ({lost[0]} fails)" if lost else "")
            + "; nothing was written. Apply them one at a time with --function."
        )


def write_files(root: Path, files: dict[str, bytes], originals: dict[str, bytes]) -> list[str]:
    """Write `files` under root, refusing (writing nothing) if any changed since the run began."""
    for path in files:
        current = (root / path).read_bytes() if (root / path).exists() else None
        if current != originals[path]:
            raise ApplyError(
                f"{path} changed while Ratchet was running; nothing was written. Run again on "
                "the current tree."
            )
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in files.items():
            final = root / path
            handle, name = tempfile.mkstemp(
                dir=final.parent, prefix=f".{final.name}.", suffix=".ratchet"
            )
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(name, final.stat().st_mode & 0o7777)
            staged.append((path, Path(name)))
        for path, temp in staged:
            os.replace(temp, root / path)
    finally:
        for _, temp in staged:
            temp.unlink(missing_ok=True)
    return sorted(files)
