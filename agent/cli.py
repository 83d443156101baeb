"""The `ratchet` command line: argv, environment, files and exit codes live here and nowhere else.

Each command checks its usage first, resolves its Settings once (agent/config.py), builds its
option objects from them (agent/options.py), and only then starts a sandbox; its result goes to
stdout through agent.output.emit in the chosen --format, progress and logs to stderr.
Exit codes: 0 done, 1 findings (or the command under test failed), 2 usage, configuration or
environment error, 130 interrupted.
"""

from __future__ import annotations

import logging
import signal
import sys
from functools import partial
from pathlib import Path
from typing import Any

import click

import sandbox
from profilers.measure import MeasurementError
from profilers.pyspy import ProfilingError

from . import __version__, doctor
from .command import (
    Exit,
    asked_llm,
    candidate_text,
    checked_repo,
    configure_logging,
    explained,
    prepared,
    progress_lines,
    run_cli,
    settings_for,
    terminate,
    writable,
)
from .debug_commands import debug_command, trace_command
from .flags import (
    FLAGGED,
    GATE_KNOBS,
    OPTIMIZE_KNOBS,
    PROFILE_KNOBS,
    SANDBOX_KNOBS,
    format_option,
    knobs,
    path_argument,
)
from .output import emit, render
from .sandbox_commands import sandbox_group

log = logging.getLogger("ratchet")
EXAMPLE = "tasks/example"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ratchet")
@click.option("-v", "--verbose", count=True, help="Log more (debug detail) to stderr.")
def cli(verbose: int) -> None:
    """Ratchet makes Python code faster and fixes failing code, and proves every change.

    Every change must keep the repository's tests passing, behave identically on every recorded
    input, and execute fewer CPU instructions. Untrusted code always runs in a sandbox: Docker
    when an engine answers, otherwise fenced local subprocesses.

    \b
    Start here:
      ratchet doctor                      what this machine offers, and what to install
      ratchet sandbox run tasks/example   run the bundled example's tests in a sandbox
      ratchet profile tasks/example       hotspots and instruction counts of the example
      ratchet optimize tasks/example      find, prove and show faster rewrites of the example
      ratchet verify PATH --function F --candidate FILE
                                          prove (or refute) one rewrite of function F
      ratchet config PATH                 every setting in effect, and where it came from

    An option whose help says `config: KEY` can also be set as KEY under [tool.ratchet] in the
    target's pyproject.toml (min_gain = 0.01) or as RATCHET_<KEY> in the environment
    (RATCHET_MIN_GAIN=0.01); the environment wins over pyproject.toml, a flag over both.
    """
    configure_logging(verbose)
    signal.signal(signal.SIGTERM, terminate)


@cli.command("config")
@path_argument()
@knobs(*FLAGGED)
@format_option("text")
def config_command(path: Path, fmt: str, **flags: Any) -> None:
    """Show every setting for PATH, its value, and where it came from.

    The layers, each overriding the one before: the defaults, [tool.ratchet] in PATH's
    pyproject.toml, RATCHET_<KEY> in the environment, and the flags (which this command takes
    too, to show what a command given them would use). The text output is valid TOML: paste
    lines of it under [tool.ratchet] to keep a setting.

    \b
    Examples:
      ratchet config tasks/example
      RATCHET_RUNS=5 ratchet config . --min-gain 0.01 --format json
    """
    from .config import render_settings

    emit(explained(path, flags), fmt, text=render_settings)


@cli.command("doctor")
@format_option("text")
@knobs(*SANDBOX_KNOBS)
def doctor_command(fmt: str, **flags: Any) -> None:
    """Say what Ratchet will use on this machine and why, with a fix for each missing piece.

    Exits 0 when the chosen sandbox can run, 2 when it cannot.
    """
    report = doctor.diagnose(settings_for(None, flags))
    emit(report, fmt, text=doctor.render_text)
    if not report.usable:
        raise Exit(f"the {report.sandbox} sandbox cannot run here; apply the fixes above.")


@cli.command("profile")
@path_argument()
@click.option(
    "--function",
    "functions",
    multiple=True,
    metavar="NAME",
    help="Count this function (pkg.mod.Class.method) instead; repeatable.",
)
@click.option(
    "--command",
    default=None,
    help="Profile this command instead of the test suite, e.g. 'python bench.py'.",
)
@click.option(
    "--flamegraph",
    type=click.Path(path_type=Path),
    default=None,
    help="Write an SVG flame graph here (and speedscope JSON beside it).",
)
@knobs(*PROFILE_KNOBS, *SANDBOX_KNOBS)
@format_option("text")
def profile_command(
    path: Path,
    functions: tuple[str, ...],
    command: str | None,
    flamegraph: Path | None,
    fmt: str,
    **flags: Any,
) -> None:
    """Show where PATH's tests spend their time, and what the top functions cost in instructions.

    py-spy samples the test suite in a sandbox; the repo's own functions are ranked by their
    share of samples (total: anywhere on the stack; self: the innermost repo frame). The top
    ones are then run on their workload (the repo's pytest-benchmark benchmarks that call them,
    else the tests that call them) under an instruction counter: callgrind where valgrind exists,
    exact and repeatable.

    \b
    Examples:
      ratchet profile tasks/example
      ratchet profile . --function mypkg.parse.tokenize --flamegraph profile.svg
    """
    writable(flamegraph, "--flamegraph")
    settings = settings_for(path, flags)
    from .options import profile_options
    from .profiling import profile, render_text, write_flamegraph

    options = profile_options(settings, functions, command)
    with prepared(settings, path) as session:
        try:
            result = profile(session, options)
        except (MeasurementError, ProfilingError) as exc:
            raise Exit(str(exc)) from exc
    if flamegraph:
        for written in write_flamegraph(result, flamegraph):
            log.info("wrote %s", written)
    emit(result, fmt, text=render_text)
    if fmt == "text" and not flamegraph:
        log.info("next: `ratchet profile %s --flamegraph profile.svg` draws where time goes", path)


@cli.command("optimize")
@path_argument()
@click.option(
    "--function",
    "functions",
    multiple=True,
    metavar="NAME",
    help="Optimize this function (pkg.mod.func or pkg.mod.Class.method); repeatable.",
)
@click.option(
    "--file",
    "file",
    default=None,
    metavar="FILE",
    help="Optimize the functions of FILE (repo-relative).",
)
@click.option(
    "--line",
    type=click.IntRange(1),
    default=None,
    help="With --file: only the function around this line.",
)
@click.option(
    "--changed", is_flag=True, help="Optimize the functions whose lines changed since --base."
)
@click.option(
    "--base", default="HEAD", show_default=True, help="With --changed: the git ref to diff against."
)
@click.option(
    "--all",
    "every",
    is_flag=True,
    help="Every tested function, hottest first (bounded by --max-functions).",
)
@click.option(
    "--apply",
    "apply_",
    is_flag=True,
    help="Write the accepted rewrites into PATH (after one more full test run with all of them).",
)
@click.option(
    "--json-report",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Also write the JSON report (version 1) to FILE, whatever --format prints.",
)
@click.option(
    "--diff/--no-diff", default=True, show_default=True, help="Print the accepted rewrites' diffs."
)
@knobs(*OPTIMIZE_KNOBS, *SANDBOX_KNOBS)
@format_option("text", "markdown")
def optimize_command(
    path: Path,
    functions: tuple[str, ...],
    file: str | None,
    line: int | None,
    changed: bool,
    base: str,
    every: bool,
    apply_: bool,
    json_report: Path | None,
    diff: bool,
    fmt: str,
    **flags: Any,
) -> None:
    """Make PATH's code faster, and prove every change.

    Runs the tests in a sandbox, profiles them, picks the hottest functions that tests call
    (or the ones you name with one of --function, --file, --changed), proposes rewrites, and
    keeps a rewrite only when the gate accepts it: the same tests pass, every recorded call
    behaves the same, and it executes fewer CPU instructions on every measured run (see
    `ratchet verify --help` for the steps).

    Without an LLM it runs the offline rewrite rules (the low budget). Nothing in PATH is
    written unless you pass --apply.

    \b
    Examples:
      ratchet optimize tasks/example
      ratchet optimize . --function mypkg.parse.tokenize --apply
      OPENAI_API_KEY=... ratchet optimize . --budget high --jobs 2 --format markdown

    Exit status: 0 done (whether or not a rewrite was found), 2 error.
    """
    if problem := selection_problem(functions, file, line, changed, every):
        raise Exit(problem)
    writable(json_report, "--json-report")
    settings = settings_for(path, flags)
    from .llm import LLMError
    from .optimize import ApplyError, OptimizeError, optimize, render_markdown, render_text
    from .options import Selection, optimize_options

    selection = Selection(functions, file, line, changed, base, every)
    options = optimize_options(settings, selection)
    try:
        with (
            asked_llm(settings) as (chosen, llm),
            prepared(settings, path) as session,
            progress_lines() as progress,
        ):
            if not chosen.uses_llm:
                log.info(
                    "using the offline rewrite rules (low budget); add an LLM's rewrites with "
                    "--llm local (a model on this machine) or OPENAI_API_KEY / OPENAI_BASE_URL"
                )
            report = optimize(session, options, chosen, llm, progress, apply=apply_)
    except (OptimizeError, ApplyError, LLMError) as exc:
        raise Exit(str(exc)) from exc
    if json_report is not None:
        json_report.write_text(render(report, "json") + "\n", encoding="utf-8")
    emit(report, fmt, text=partial(render_text, diff=diff), markdown=render_markdown)
    if report.accepted and not apply_ and fmt == "text":
        log.info("next: `ratchet optimize %s --apply` writes the accepted rewrites", path)


def selection_problem(
    functions: tuple[str, ...], file: str | None, line: int | None, changed: bool, every: bool
) -> str | None:
    """The sentence that refuses optimize's selection flags when no run can follow them."""
    if line is not None and file is None:
        return "--line needs --file: name the file the line is in."
    flags = ("--function", "--file", "--changed", "--all")
    given = [
        flag for flag, value in zip(flags, (functions, file, changed, every), strict=True) if value
    ]
    if len(given) > 1:
        return f"{' and '.join(given)} each choose the functions to work on; give only one."
    return None


@cli.command("verify")
@path_argument()
@click.option(
    "--function",
    "function",
    required=True,
    metavar="NAME",
    help="The function the candidate rewrites, with its module: pkg.mod.func or pkg.mod.Class.method.",
)
@click.option(
    "--candidate",
    "candidates",
    required=True,
    multiple=True,
    metavar="FILE",
    help="The new function's source (UTF-8), optionally with imports and module-level helpers "
    "('-' reads stdin). Repeat it to gate several rewrites against one baseline.",
)
@knobs(*GATE_KNOBS, *SANDBOX_KNOBS)
@format_option("text")
def verify_command(
    path: Path, function: str, candidates: tuple[str, ...], fmt: str, **flags: Any
) -> None:
    """Run the whole gate on a rewrite of one function of PATH, and say accepted or rejected.

    \b
    The steps, cheapest first; the first that fails decides:
      apply       the candidate replaces the function (same signature; the file's other bytes
                  kept) and changes its code (the function as it is cannot be faster)
      screen      no exits, test-framework access, patching of other code, or state across calls
      import      the module imports
      tests       the tests that call the function pass
      suite       exactly the tests that passed before pass; nothing skipped, cut short or written
      behaviour   every call recorded during the tests gives the same result, exception,
                  argument mutation and printed output (with the test files hidden)
      generated   Hypothesis inputs from the recorded argument types: original vs candidate
      efficiency  fewer instructions on the function's workload, on every run

    Apply and screen run before any sandbox starts, and so do the checks of the input: a
    candidate file that is missing, empty, binary, not UTF-8 or defines no such function, a
    --function that PATH does not have, or a PATH that is no repository with tests is an error
    (exit 2) at once.

    Several --candidate files share one baseline, taken once (JSON: {"verdicts": [...]}).
    Nothing in PATH is written. Exit status: 0 accepted (every candidate), 1 rejected, 2 error.

    \b
    Example:
      ratchet verify tasks/example --function wordfreq.text.normalize --candidate new.py
    """
    settings = settings_for(path, flags)
    from .gate import GateError, Verdict
    from .options import verify_options
    from .verify import Verdicts, error_verdict, precheck, render_text, verify_all

    options = verify_options(settings)
    step = "input"  # where an error stopped, for the JSON error verdict
    try:
        if candidates.count("-") > 1:
            raise Exit("stdin can be read once: give --candidate - at most once.")
        root_files = checked_repo(path)
        checked = [precheck(*root_files, function, candidate_text(c)) for c in candidates]
        verdicts = tuple(c for c in checked if isinstance(c, Verdict))
        if len(verdicts) < len(checked):
            step = "baseline"
            with prepared(settings, path) as session, progress_lines() as progress:
                verdicts = verify_all(session, checked, options, lambda s: progress(f"gate: {s}"))
    except (Exit, GateError, sandbox.SandboxError) as exc:
        message = exc.format_message() if isinstance(exc, Exit) else str(exc)
        if fmt == "json":  # a machine still gets a verdict; people get the one sentence below
            emit(error_verdict(function, message, step), fmt)
        raise Exit(message) from exc
    if len(verdicts) == 1:
        emit(verdicts[0], fmt, text=render_text)
    else:
        emit(Verdicts(verdicts, candidates), fmt, text=Verdicts.render_text)
    sys.exit(0 if all(v.accepted for v in verdicts) else 1)


cli.add_command(sandbox_group)
cli.add_command(debug_command)
cli.add_command(trace_command)


def main() -> None:
    """The `ratchet` command: every error that reaches here is one sentence and an exit code."""
    run_cli(cli)
