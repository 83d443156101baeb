"""The `ratchet` command line: argv, environment, files and exit codes live here and nowhere else.

Results go to stdout in the chosen --format; progress and logs go to stderr.
Exit codes: 0 done, 1 findings (or the command under test failed), 2 usage, configuration or
environment error, 130 interrupted.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import click

import sandbox
from profilers.compare import DEFAULT_MIN_GAIN
from profilers.measure import MeasurementError
from profilers.pyspy import ProfilingError
from sandbox.base import Session

from . import __version__, doctor
from .config import ConfigError, Settings, resolve

log = logging.getLogger("ratchet")
EXAMPLE = "tasks/example"


class Exit(click.ClickException):
    """An error with a one-sentence message and exit code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"ratchet: error: {self.format_message()}", err=True)


def _logging(verbose: int) -> None:
    level = logging.DEBUG if verbose else logging.INFO
    if sys.stderr.isatty():
        from rich.logging import RichHandler

        handler: logging.Handler = RichHandler(show_path=False, show_time=False)
    else:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("ratchet: %(message)s"))
    for name in ("ratchet", "agent", "sandbox", "profilers"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # so every `with` block removes its containers and copies


@contextlib.contextmanager
def prepared(settings: Settings, path: Path) -> Iterator[Session]:
    """The repo prepared in the configured sandbox, closed on the way out."""
    name, why = sandbox.choose(settings.sandbox, settings.base_image)
    log.info("using the %s sandbox: %s", name, why)
    box = sandbox.make_sandbox(name, settings.cache_dir, settings.limits(), settings.base_image)
    with box.prepare(path) as session:
        yield session


@contextlib.contextmanager
def progress_lines() -> Iterator[Callable[[str], None]]:
    """Progress of a long run: on a terminal, each event printed above a live status line that
    shows the latest; elsewhere (CI, pipes), plain log lines."""
    if not sys.stderr.isatty():
        yield log.info
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("starting", spinner="dots") as status:

        def report(message: str) -> None:
            console.print(f"[dim]ratchet:[/dim] {message}", highlight=False)
            status.update(message)

        yield report


def settings_for(repo: Path | None, **flags: Any) -> Settings:
    try:
        return resolve(repo if repo and repo.is_dir() else None, os.environ, flags)
    except ConfigError as exc:
        raise Exit(str(exc)) from exc


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
    """
    _logging(verbose)
    signal.signal(signal.SIGTERM, _terminate)


FORMAT = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format for stdout.",
)
SANDBOX = click.option(
    "--sandbox",
    type=click.Choice(sandbox.NAMES),
    default=None,
    help="Where code runs: docker, local, or auto (Docker when an engine and a base image are "
    "ready, else local). [default: auto]",
)
BASE_IMAGE = click.option(
    "--base-image",
    default=None,
    help="Docker base image. [default: ratchet-base:bookworm, else python:<ver>-slim]",
)

COUNTER = click.option(
    "--counter",
    type=click.Choice(["auto", "callgrind", "perf", "bytecode"]),
    default="auto",
    show_default=True,
    help="Instruction counter: callgrind (exact), perf (hardware), bytecode (advisory).",
)
MIN_GAIN = click.option(
    "--min-gain",
    type=click.FloatRange(0, 1, max_open=True),
    default=DEFAULT_MIN_GAIN,
    show_default=True,
    help="Smallest median instruction gain accepted, as a fraction (0.005 = 0.5%). The gate "
    "also demands every candidate run below every baseline run, and a gain of at least three "
    "times the spread between identical runs.",
)
RUNS = click.option(
    "--runs",
    type=click.IntRange(2, 20),
    default=3,
    show_default=True,
    help="Measured runs of each side (K).",
)


@cli.command("doctor")
@FORMAT
@SANDBOX
@BASE_IMAGE
def doctor_command(fmt: str, sandbox: str | None, base_image: str | None) -> None:
    """Say what Ratchet will use on this machine and why, with a fix for each missing piece.

    Exits 0 when the chosen sandbox can run, 2 when it cannot.
    """
    settings = settings_for(None, sandbox=sandbox, base_image=base_image)
    report = doctor.diagnose(settings)
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=2))
    else:
        click.echo(doctor.render_text(report))
    if not report.usable:
        raise Exit(f"the {report.sandbox} sandbox cannot run here; apply the fixes above.")


@cli.command("profile")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option(
    "--top", type=click.IntRange(1), default=10, show_default=True, help="Hotspots to show."
)
@click.option(
    "--measure",
    "measure_top",
    type=click.IntRange(0),
    default=5,
    show_default=True,
    help="How many of the top hotspots to count instructions for.",
)
@click.option(
    "--function",
    "functions",
    multiple=True,
    metavar="NAME",
    help="Count this function (pkg.mod.Class.method) instead; repeatable.",
)
@COUNTER
@click.option(
    "--rate",
    type=click.IntRange(10, 5000),
    default=100,
    show_default=True,
    help="py-spy samples per second (higher costs the profiled run more).",
)
@click.option(
    "--min-samples",
    type=click.IntRange(1),
    default=400,
    show_default=True,
    help="Sample a short command again (up to 8 runs) until there are this many samples.",
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
@SANDBOX
@BASE_IMAGE
@FORMAT
def profile_command(
    path: Path,
    top: int,
    measure_top: int,
    functions: tuple[str, ...],
    counter: str,
    rate: int,
    min_samples: int,
    command: str | None,
    flamegraph: Path | None,
    sandbox: str | None,
    base_image: str | None,
    fmt: str,
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
    from .profiling import ProfileOptions, profile, render_text, write_flamegraph

    settings = settings_for(path, sandbox=sandbox, base_image=base_image)
    options = ProfileOptions(
        top=top,
        measure=measure_top,
        functions=functions,
        counter=counter,
        rate=rate,
        min_samples=min_samples,
        command=command,
    )
    with prepared(settings, path) as session:
        try:
            result = profile(session, options)
        except (MeasurementError, ProfilingError) as exc:
            raise Exit(str(exc)) from exc
    if flamegraph:
        for written in write_flamegraph(result, flamegraph):
            log.info("wrote %s", written)
    click.echo(json.dumps(result.to_json(), indent=2) if fmt == "json" else render_text(result))
    if fmt == "text" and not flamegraph:
        log.info("next: `ratchet profile %s --flamegraph profile.svg` draws where time goes", path)


@cli.command("optimize")
@click.argument("path", type=click.Path(path_type=Path), default=".")
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
    "--max-functions",
    type=click.IntRange(1),
    default=3,
    show_default=True,
    help="How many of the hottest functions to work on.",
)
@click.option(
    "--budget",
    type=click.Choice(["low", "mid", "high"], case_sensitive=False),
    default=None,
    help="low: the offline rewrite rules, no LLM. mid: an LLM, compact context, few candidates. "
    "high: a stronger model, more candidates and refinement rounds. [default: mid when "
    "OPENAI_API_KEY or OPENAI_BASE_URL is set, else low] Asking for mid or high with no LLM "
    "configured is an error, not a silent fallback.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 16),
    default=1,
    show_default=True,
    help="Candidates gated in parallel.",
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
@MIN_GAIN
@COUNTER
@RUNS
@SANDBOX
@BASE_IMAGE
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="Output format for stdout.",
)
def optimize_command(
    path: Path,
    functions: tuple[str, ...],
    file: str | None,
    line: int | None,
    changed: bool,
    base: str,
    every: bool,
    max_functions: int,
    budget: str | None,
    jobs: int,
    apply_: bool,
    json_report: Path | None,
    diff: bool,
    min_gain: float,
    counter: str,
    runs: int,
    sandbox: str | None,
    base_image: str | None,
    fmt: str,
) -> None:
    """Make PATH's code faster, and prove every change.

    Runs the tests in a sandbox, profiles them, picks the hottest functions that tests call
    (or the ones you name), proposes rewrites, and keeps a rewrite only when the gate accepts
    it: the same tests pass, every recorded call behaves the same, and it executes fewer CPU
    instructions on every measured run (see `ratchet verify --help` for the steps).

    Without an LLM it runs the offline rewrite rules (the low budget). Nothing in PATH is
    written unless you pass --apply.

    \b
    Examples:
      ratchet optimize tasks/example
      ratchet optimize . --function mypkg.parse.tokenize --apply
      OPENAI_API_KEY=... ratchet optimize . --budget high --jobs 2 --format markdown

    Exit status: 0 done (whether or not a rewrite was found), 2 error.
    """
    from .gate import GateOptions
    from .llm import LLMError, client_for, tier
    from .optimize import (
        ApplyError,
        OptimizeError,
        OptimizeOptions,
        optimize,
        render_markdown,
        render_text,
    )

    settings = settings_for(path, sandbox=sandbox, base_image=base_image, budget=budget)
    chosen = tier(settings)
    if not chosen.uses_llm:
        log.info(
            "using the offline rewrite rules (low budget); set OPENAI_API_KEY (or OPENAI_BASE_URL "
            "for a local server) to add an LLM's rewrites with --budget mid or high"
        )
    options = OptimizeOptions(
        functions=functions,
        file=file,
        line=line,
        changed=changed,
        base=base,
        every=every,
        max_functions=max_functions,
        jobs=jobs,
        counter=counter,
        runs=runs,
        gate=GateOptions(min_gain=min_gain),
    )
    if line is not None and file is None:
        raise Exit("--line needs --file: name the file the line is in.")
    llm = client_for(settings)
    try:
        with prepared(settings, path) as session, progress_lines() as progress:
            report = optimize(session, options, chosen, llm, progress, apply=apply_)
    except (OptimizeError, ApplyError, LLMError) as exc:
        raise Exit(str(exc)) from exc
    finally:
        if llm is not None:
            llm.close()
    if json_report is not None:
        json_report.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=2))
    elif fmt == "markdown":
        click.echo(render_markdown(report))
    else:
        click.echo(render_text(report, diff=diff))
    if report.accepted and not apply_ and fmt == "text":
        log.info("next: `ratchet optimize %s --apply` writes the accepted rewrites", path)


@cli.command("verify")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option(
    "--function",
    "function",
    required=True,
    metavar="NAME",
    help="The function the candidate rewrites, with its module: pkg.mod.func or pkg.mod.Class.method.",
)
@click.option(
    "--candidate",
    type=click.File("r", encoding="utf-8"),
    required=True,
    metavar="FILE",
    help="The new function's source, optionally with imports and module-level helpers "
    "('-' reads stdin).",
)
@MIN_GAIN
@click.option(
    "--float-tolerance",
    type=click.FloatRange(0),
    default=0.0,
    show_default=True,
    help="Relative tolerance when comparing floats in replayed calls (0: exact).",
)
@COUNTER
@RUNS
@click.option(
    "--generate-seconds",
    type=click.FloatRange(0),
    default=5.0,
    show_default=True,
    help="Time Hypothesis spends generating extra inputs (0 turns the step off).",
)
@SANDBOX
@BASE_IMAGE
@FORMAT
def verify_command(
    path: Path,
    function: str,
    candidate: Any,
    min_gain: float,
    float_tolerance: float,
    counter: str,
    runs: int,
    generate_seconds: float,
    sandbox: str | None,
    base_image: str | None,
    fmt: str,
) -> None:
    """Run the whole gate on a rewrite of one function of PATH, and say accepted or rejected.

    \b
    The steps, cheapest first; the first that fails decides:
      apply       the candidate replaces the function (same signature; the file's other bytes kept)
      screen      no exits, test-framework access, patching of other code, or state across calls
      import      the module imports
      tests       the tests that call the function pass
      suite       exactly the tests that passed before pass; nothing skipped, cut short or written
      behaviour   every call recorded during the tests gives the same result, exception,
                  argument mutation and printed output (with the test files hidden)
      generated   Hypothesis inputs from the recorded argument types: original vs candidate
      efficiency  fewer instructions on the function's workload, on every run

    Nothing in PATH is written. Exit status: 0 accepted, 1 rejected, 2 error (no verdict).

    \b
    Example:
      ratchet verify tasks/example --function wordfreq.text.normalize --candidate new.py
    """
    from .gate import GateError, GateOptions
    from .verify import VerifyOptions, error_verdict, render_text, verify

    settings = settings_for(path, sandbox=sandbox, base_image=base_image)
    text = candidate.read()
    options = VerifyOptions(
        GateOptions(
            min_gain=min_gain,
            float_tolerance=float_tolerance,
            generate_seconds=generate_seconds,
        ),
        counter,
        runs,
    )

    try:
        with prepared(settings, path) as session, progress_lines() as progress:
            verdict = verify(session, function, text, options, lambda s: progress(f"gate: {s}"))
    except GateError as exc:
        if fmt == "json":
            click.echo(json.dumps(error_verdict(function, str(exc)).to_json(), indent=2))
        raise Exit(str(exc)) from exc
    click.echo(json.dumps(verdict.to_json(), indent=2) if fmt == "json" else render_text(verdict))
    sys.exit(0 if verdict.accepted else 1)


@cli.group("sandbox")
def sandbox_group() -> None:
    """Build, use and clean up the sandboxes where repository code runs."""


@sandbox_group.command("build-base")
@click.option("--tag", default="ratchet-base:bookworm", show_default=True, help="Image tag.")
@click.option("--suite", default="bookworm", show_default=True, help="Debian release.")
@click.option("--mirror", default=None, help="Debian mirror URL. [default: debootstrap's]")
def build_base_command(tag: str, suite: str, mirror: str | None) -> None:
    """Build the Docker base image from Debian packages (debootstrap, then docker import).

    Use this where no image registry is reachable. Needs root and debootstrap; takes a minute or
    two. The image holds Python 3, gcc, valgrind and a non-root user.
    """
    from .sandbox_commands import build_base

    click.echo(build_base(tag, suite, mirror))


@sandbox_group.command("run", context_settings={"ignore_unknown_options": True})
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
@SANDBOX
@BASE_IMAGE
@click.option("--timeout", type=float, default=None, help="Seconds before the run is killed.")
@FORMAT
def run_command(
    path: Path,
    command: tuple[str, ...],
    sandbox: str | None,
    base_image: str | None,
    timeout: float | None,
    fmt: str,
) -> None:
    """Run COMMAND (default: the repo's test suite) in a fresh sandbox workspace of PATH.

    \b
    Examples:
      ratchet sandbox run tasks/example
      ratchet sandbox run . --sandbox local -- python -c "import mypkg"

    Exits with 0 when the command succeeded, 1 when it failed, 2 when it could not run.
    """
    from .sandbox_commands import run_in_sandbox

    settings = settings_for(path, sandbox=sandbox, base_image=base_image, timeout=timeout)
    argv = list(command) or ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    name, result = run_in_sandbox(settings, path, argv)
    if fmt == "json":
        click.echo(json.dumps({"version": 1, "sandbox": name, "result": result.__dict__}, indent=2))
    else:
        click.echo(result.stdout, nl=False)
        click.echo(result.stderr, nl=False, err=True)
    log.info("%s in the %s sandbox", result.describe(), name)
    sys.exit(0 if result.ok else 1)


@sandbox_group.command("clean")
@click.option("--images", is_flag=True, help="Also remove cached environment images.")
def clean_command(images: bool) -> None:
    """Remove every container Ratchet left behind (and, with --images, its cached images)."""
    from .sandbox_commands import clean

    click.echo(clean(images))


def main() -> None:
    try:
        cli(standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except (click.exceptions.Abort, KeyboardInterrupt):
        click.echo("ratchet: interrupted; its sandboxes were removed.", err=True)
        sys.exit(130)
    except sandbox.SandboxError as exc:
        click.echo(f"ratchet: error: {exc}", err=True)
        sys.exit(2)
