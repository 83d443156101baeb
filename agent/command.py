"""What every command does around its work, at the CLI's edge: resolve the settings (the one
read of os.environ), check its inputs (output paths, the repo, a candidate file) on the host,
open the sandbox, show progress, and end with one sentence and exit code 2 when it cannot go on.

Every input check runs before any sandbox starts: a bad input costs no Docker probe, no
environment build and no copy.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

import click

import sandbox
from sandbox.base import Session
from sandbox.copy import plan_copy
from sandbox.repo import check_repo, list_files, require_tests

from .config import ConfigError, Explained, Settings, misspelled_variables, resolve_with_origins

if TYPE_CHECKING:
    from .llm import LLMClient, Tier

log = logging.getLogger("ratchet")


class Exit(click.ClickException):
    """An error with a one-sentence message and exit code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"ratchet: error: {self.format_message()}", err=True)


def configure_logging(verbose: int) -> None:
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


def terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # so every `with` block removes its containers and copies


@contextlib.contextmanager
def prepared(settings: Settings, path: Path) -> Iterator[Session]:
    """The repo prepared in the configured sandbox, closed on the way out; the repo is checked
    on the host first (`checked_repo`)."""
    root, files = checked_repo(path)
    name, why = sandbox.choose(settings.sandbox, settings.base_image)
    log.info("using the %s sandbox: %s", name, why)
    box = sandbox.make_sandbox(name, settings.cache_dir, settings.limits(), settings.base_image)
    log.info(
        "preparing %s: %d files (its dependencies are installed once and cached)", root, len(files)
    )
    with box.prepare(root) as session:
        yield session


def checked_repo(path: Path) -> tuple[Path, tuple[str, ...]]:
    """PATH's root and the files a sandbox would copy, checked before any sandbox starts:
    a folder, not the filesystem's root or the home folder, readable, not too large, no
    symlink leading out, with tests. BadRepository (or Exit) says what is wrong."""
    root = check_repo(path)
    with contextlib.suppress(RuntimeError, KeyError):  # no home folder known: nothing to refuse
        if root == Path.home().resolve():
            raise Exit(
                f"{path} is your home folder, not a project; pass the folder of the Python "
                "project to work on, or cd into it first."
            )
    with said_if_slow(f"still listing the files of {root} (a large folder?)"):
        files = list_files(root)
    plan_copy(root, files)  # refuses symlinks that leave the repo
    require_tests(root, files)
    return root, files


@contextlib.contextmanager
def said_if_slow(message: str, after: float = 3.0) -> Iterator[None]:
    """Log `message` once if the block is still running `after` seconds in."""
    timer = threading.Timer(after, log.info, (message,))
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()


def candidate_text(name: str) -> str:
    """The text of the --candidate file ('-': stdin); Exit with one sentence when it cannot be
    read or holds no candidate (see decode_candidate)."""
    from .rewrite.candidate import MAX_CANDIDATE_BYTES, Unreadable, decode_candidate

    label = "the candidate on stdin" if name == "-" else f"--candidate {name}"
    try:
        if name == "-":
            if sys.stdin.isatty():
                log.info("reading the candidate from stdin; end it with Ctrl-D")
            data = sys.stdin.buffer.read(MAX_CANDIDATE_BYTES + 1)
        else:
            with open(name, "rb") as handle:
                data = handle.read(MAX_CANDIDATE_BYTES + 1)
    except FileNotFoundError:
        raise Exit(
            f"{label} does not exist; pass the file that holds the new function's source "
            "('-' reads it from stdin)."
        ) from None
    except IsADirectoryError:
        raise Exit(
            f"{label} is a folder; pass the file that holds the new function's source."
        ) from None
    except OSError as exc:
        raise Exit(
            f"{label} cannot be read ({str(exc.strerror).lower()}); pass a file you can read."
        ) from exc
    text = decode_candidate(data)
    if isinstance(text, Unreadable):
        raise Exit(f"{label} {text.why}.")
    return text


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


def explained(repo: Path | None, flags: dict[str, Any]) -> Explained:
    """The four layers resolved (the only read of os.environ); a bad setting exits 2."""
    for sentence in misspelled_variables(os.environ):
        log.warning(sentence)
    try:
        return Explained(
            *resolve_with_origins(repo if repo and repo.is_dir() else None, os.environ, flags)
        )
    except ConfigError as exc:
        raise Exit(str(exc)) from exc


@contextlib.contextmanager
def asked_llm(settings: Settings) -> Iterator[tuple[Tier, LLMClient | None]]:
    """The run's tier and its LLM client (None for the low tier); with --llm local, the local
    model's server runs for the length of the block and is stopped on the way out, however the
    block ends. Raises LLMError (a LocalModelError) before any sandbox starts when the model or
    its runtime cannot be used."""
    from .llm import LocalServer, client_for, local_model, tier

    chosen = tier(settings)
    model = local_model(settings) if chosen.uses_llm else None
    with contextlib.ExitStack() as stack:
        url = None
        if model is not None:
            server = LocalServer.start(model, settings.cache_dir / "logs")
            stack.callback(server.stop)
            url = server.url
        llm = client_for(settings, url)
        if llm is not None:
            stack.callback(llm.close)
        yield chosen, llm


def settings_for(repo: Path | None, flags: dict[str, Any]) -> Settings:
    return explained(repo, flags).settings


def writable(path: Path | None, flag: str) -> None:
    """Refuse, before any work, an output file whose folder does not exist."""
    if path is not None and not path.resolve().parent.is_dir():
        raise Exit(
            f"{flag} {path}: the folder {path.resolve().parent} does not exist; create it first."
        )


def run_cli(cli: click.Group) -> None:
    """Run the click group; what reaches here becomes one sentence and an exit code."""
    try:
        cli(standalone_mode=False, prog_name="ratchet")
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.UsageError as exc:  # one sentence, like every other error
        click.echo(f"ratchet: error: {usage_sentence(exc)}", err=True)
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
    except Exception as exc:  # the Docker SDK's errors are the engine's, not ours: one sentence
        if not type(exc).__module__.startswith("docker."):
            raise
        said = " ".join(str(exc).split())[:300]
        click.echo(
            f"ratchet: error: the Docker engine failed a request ({said}); check `docker info`, "
            "run `ratchet sandbox clean`, or use --sandbox local.",
            err=True,
        )
        sys.exit(2)


def usage_sentence(exc: click.UsageError) -> str:
    """Click's usage error as one line, pointing at the command's --help."""
    message = " ".join(exc.format_message().split())
    where = exc.ctx.command_path if exc.ctx is not None else "ratchet"
    if message.endswith("?"):  # "No such option '--x'. Did you mean '--y'?"
        return f"{message} See `{where} --help`."
    return f"{message.rstrip('.')}; see `{where} --help`."
