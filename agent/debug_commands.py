"""The `ratchet debug` and `ratchet trace` commands: thin glue between the CLI and agent.debug."""

from __future__ import annotations

import dataclasses
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

import sandbox

from .command import Exit, asked_llm, checked_repo, prepared, progress_lines, settings_for
from .flags import SANDBOX_KNOBS, format_option, knobs, path_argument
from .output import emit

if TYPE_CHECKING:
    from sandbox.base import Session

    from .debug.localize import DebugOptions
    from .debug.report import DebugReport
    from .llm import LLMClient, Tier

log = logging.getLogger(__name__)

test_option = click.option(
    "--test",
    "tests",
    multiple=True,
    metavar="NODEID",
    help="A test to look at, as pytest names it (tests/test_mod.py::test_name), or a file or "
    "class of tests; repeatable. [default: every failing test]",
)
timeout_option = click.option(
    "--test-timeout",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds a test may run before it counts as a hang.",
)


@click.command("debug")
@path_argument()
@test_option
@click.option(
    "--top", type=click.IntRange(min=1), default=5, show_default=True, help="Blocks shown."
)
@timeout_option
@click.option(
    "--apply",
    "apply_",
    is_flag=True,
    help="Write an accepted fix into PATH (the Mid and High tiers propose fixes).",
)
@knobs(*SANDBOX_KNOBS, "budget", "llm", "local_model", "timeout")
@format_option("text", "vscode")
def debug_command(
    path: Path,
    tests: tuple[str, ...],
    top: int,
    test_timeout: float,
    apply_: bool,
    fmt: str,
    **flags: Any,
) -> None:
    """Find where PATH's failing tests go wrong, and with an LLM, fix it.

    The test suite runs once in a sandbox, noting which basic blocks of the repo's code each
    test ran. Blocks that the failing tests ran and the passing ones did not rank first
    (Ochiai); ties go to the blocks nearest the failure. The functions of the top blocks are
    then traced in the first failing test: each suspect is shown with the values its
    variables had after it ran. That is all the low budget does (no LLM).

    With --budget mid or high, an LLM then judges each suspect block from its state (correct
    or wrong, and why: one batched call) and writes a fix. The fix is kept only if the failing
    tests pass with it, every test that passed still passes, no test file changes and the
    reward-hack screen finds nothing; a rejected fix is traced again and the next round sees
    that trace. --apply writes an accepted fix.

    A test still running after --test-timeout seconds is failed as a hang; a run that ends
    inside a test (a crash in C code, os._exit) is reported with the test it ended in.

    \b
    Examples:
      ratchet debug .
      ratchet debug . --test tests/test_parse.py::test_empty --format json
      ratchet debug . --format vscode      # file:line:col: severity: message, for editors
      ratchet debug . --budget mid --llm local --apply

    Exit status: 0 nothing to debug (every test passed) or a fix was written, 1 failing tests
    found, 2 error.
    """
    settings = settings_for(path, flags)
    from .debug.localize import DebugOptions, SuiteDidNotRun, UnknownTest, localize
    from .debug.report import render_text, render_vscode
    from .llm import LLMError
    from .optimize import ApplyError

    checked_repo(path)
    if apply_ and settings.budget == "low":
        raise Exit(
            "--apply writes a fix, and only the mid and high budgets propose one (the low "
            "budget asks no LLM); add --budget mid."
        )
    options = DebugOptions(tests=tests, top=top, test_timeout=test_timeout)
    try:
        with (
            asked_llm(settings) as (chosen, llm),
            prepared(settings, path) as session,
            progress_lines() as progress,
        ):
            report = localize(session, options)
            if llm is not None and report.failing and report.blocks:
                report = fixed(session, report, chosen, llm, options, progress, apply_)
    except (UnknownTest, SuiteDidNotRun, sandbox.SandboxError, LLMError, ApplyError) as exc:
        raise Exit(str(exc)) from exc
    emit(report, fmt, text=render_text, vscode=render_vscode)
    if fmt == "text" and report.blocks and report.fix is None:
        top_block = report.blocks[0].suspect.block
        log.info(
            "next: `ratchet trace %s --function %s --test %s` shows every block of it in order",
            path,
            _dotted(top_block.path, top_block.qualname),
            report.failing[0].nodeid,
        )
    if fmt == "text" and report.fix is not None and report.fix.change and not apply_:
        log.info("next: `ratchet debug %s --budget %s --apply` writes the fix", path, chosen.name)
    written = report.fix is not None and bool(report.fix.applied)
    sys.exit(0 if report.nothing_to_debug or written else 1)


def fixed(
    session: Session,
    report: DebugReport,
    tier: Tier,
    llm: LLMClient,
    options: DebugOptions,
    progress: Callable[[str], None],
    apply_: bool,
) -> DebugReport:
    """The report with the LDB loop's fix; with `apply_`, an accepted fix written to the repo."""
    from .debug.repair import repair, with_applied
    from .optimize.apply import write_files

    fix = repair(session, report, tier, llm, test_timeout=options.test_timeout, progress=progress)
    if apply_ and fix.change is not None:
        change = fix.change
        target = change.target
        written = write_files(session.repo.root, change.files, {target.path: target.source})
        fix = with_applied(fix, written)
    return dataclasses.replace(report, fix=fix)


@click.command("trace")
@path_argument()
@click.option(
    "--function",
    "function",
    required=True,
    metavar="NAME",
    help="The function to trace, with its module: pkg.mod.func or pkg.mod.Class.method.",
)
@test_option
@timeout_option
@knobs(*SANDBOX_KNOBS, "timeout")
@format_option("text")
def trace_command(
    path: Path, function: str, tests: tuple[str, ...], test_timeout: float, fmt: str, **flags: Any
) -> None:
    """Show one function of PATH block by block: each block's code, then the state after it.

    Every call of the function in the chosen tests (by default, the first few tests that call
    it) is traced, at any depth: the basic blocks it ran in order, and after each the values
    of the variables that block assigned or changed. Long loops keep their first and last
    iterations and each one that went a new way; the rest are counted.

    \b
    Examples:
      ratchet trace tasks/example --function wordfreq.text.normalize
      ratchet trace . --function pkg.mod.Class.method --test tests/test_mod.py::test_x
    """
    settings = settings_for(path, flags)
    from .debug.localize import UnknownTest
    from .debug.trace import render_text, trace_function
    from .gate import GateError, find_target

    try:
        target = find_target(*checked_repo(path), function)
        with prepared(settings, path) as session:
            traced = trace_function(session, target, tests, test_timeout=test_timeout)
    except (GateError, UnknownTest, sandbox.SandboxError) as exc:
        raise Exit(str(exc)) from exc
    emit(traced, fmt, text=render_text)


def _dotted(path: str, qualname: str) -> str:
    """`src/pkg/mod.py`, `f` -> `pkg.mod.f`."""
    from profilers.hotspots import module_name

    return f"{module_name(path)}.{qualname.replace('.<locals>', '')}"
