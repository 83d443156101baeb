"""The `ratchet debug` and `ratchet trace` commands: thin glue between the CLI and agent.debug."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click

import sandbox

from .command import Exit, checked_repo, prepared, settings_for
from .flags import SANDBOX_KNOBS, format_option, knobs, path_argument
from .output import emit

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
@knobs(*SANDBOX_KNOBS, "timeout")
@format_option("text", "vscode")
def debug_command(
    path: Path, tests: tuple[str, ...], top: int, test_timeout: float, fmt: str, **flags: Any
) -> None:
    """Find where PATH's failing tests go wrong: the most suspicious blocks, with their state.

    The test suite runs once in a sandbox, noting which basic blocks of the repo's code each
    test ran. Blocks that the failing tests ran and the passing ones did not rank first
    (Ochiai); ties go to the blocks nearest the failure. The functions of the top blocks are
    then traced in the first failing test: each suspect is shown with the values its
    variables had after it ran.

    A test still running after --test-timeout seconds is failed as a hang; a run that ends
    inside a test (a crash in C code, os._exit) is reported with the test it ended in.

    \b
    Examples:
      ratchet debug .
      ratchet debug . --test tests/test_parse.py::test_empty --format json
      ratchet debug . --format vscode      # file:line:col: severity: message, for editors

    Exit status: 0 nothing to debug (every test passed), 1 failing tests found, 2 error.
    """
    settings = settings_for(path, flags)
    from .debug.localize import DebugOptions, SuiteDidNotRun, UnknownTest, localize
    from .debug.report import render_text, render_vscode

    checked_repo(path)
    options = DebugOptions(tests=tests, top=top, test_timeout=test_timeout)
    try:
        with prepared(settings, path) as session:
            report = localize(session, options)
    except (UnknownTest, SuiteDidNotRun, sandbox.SandboxError) as exc:
        raise Exit(str(exc)) from exc
    emit(report, fmt, text=render_text, vscode=render_vscode)
    if fmt == "text" and report.blocks:
        top_block = report.blocks[0].suspect.block
        log.info(
            "next: `ratchet trace %s --function %s --test %s` shows every block of it in order",
            path,
            _dotted(top_block.path, top_block.qualname),
            report.failing[0].nodeid,
        )
    sys.exit(0 if report.nothing_to_debug else 1)


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
