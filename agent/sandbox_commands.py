"""The `ratchet sandbox ...` commands: thin glue between the CLI and the sandbox package."""

from __future__ import annotations

import logging
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import click

from sandbox import RunResult

from .command import prepared, settings_for
from .config import Settings
from .flags import SANDBOX_KNOBS, format_option, knobs, path_argument
from .output import emit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SandboxRun:
    """One command run in a sandbox: which sandbox, and what the command did."""

    sandbox: str
    result: RunResult

    def to_json(self) -> dict[str, Any]:
        return {"version": 1, "sandbox": self.sandbox, "result": asdict(self.result)}


@dataclass(frozen=True)
class Built:
    image: str

    def to_json(self) -> dict[str, Any]:
        return {"version": 1, "image": self.image}


@dataclass(frozen=True)
class Cleaned:
    containers: int
    images: int

    def to_json(self) -> dict[str, Any]:
        return {"version": 1, "containers": self.containers, "images": self.images}

    def describe(self) -> str:
        return f"removed {self.containers} containers and {self.images} images"


def build_base(tag: str, suite: str, mirror: str | None) -> Built:
    from sandbox.docker import connect
    from sandbox.images import build_base as build

    return Built(build(connect(), tag, suite, mirror, say=log.info))


def run_in_sandbox(settings: Settings, path: Path, argv: list[str]) -> SandboxRun:
    """Prepare PATH in the configured sandbox (checked on the host first) and run argv in one
    fresh workspace."""
    with prepared(settings, path) as session, session.workspace() as workspace:
        log.info("running `%s`", " ".join(argv))
        return SandboxRun(session.sandbox, workspace.run(argv))


def clean(images: bool) -> Cleaned:
    from sandbox.docker import connect
    from sandbox.images import LABEL

    client = connect()
    containers = client.containers.list(all=True, filters={"label": LABEL}, ignore_removed=True)
    for container in containers:
        container.remove(force=True)
    removed_images = 0
    kinds = ("repo", "env") if images else ("repo",)
    for image in client.images.list(filters={"label": LABEL}):
        if image.labels.get(LABEL) in kinds:
            client.images.remove(image.id, force=True)
            removed_images += 1
    return Cleaned(len(containers), removed_images)


@click.group("sandbox")
def sandbox_group() -> None:
    """Build, use and clean up the sandboxes where repository code runs."""


@sandbox_group.command("build-base")
@click.option("--tag", default="ratchet-base:bookworm", show_default=True, help="Image tag.")
@click.option("--suite", default="bookworm", show_default=True, help="Debian release.")
@click.option("--mirror", default=None, help="Debian mirror URL. [default: debootstrap's]")
@format_option("text")
def build_base_command(tag: str, suite: str, mirror: str | None, fmt: str) -> None:
    """Build the Docker base image from Debian packages (debootstrap, then docker import).

    Use this where no image registry is reachable. Needs root and debootstrap; takes a minute or
    two. The image holds Python 3, gcc, valgrind and a non-root user.
    """
    emit(build_base(tag, suite, mirror), fmt, text=lambda built: built.image)


@sandbox_group.command("run", context_settings={"ignore_unknown_options": True})
@path_argument()
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
@knobs(*SANDBOX_KNOBS, "timeout")
@format_option("text")
def run_command(path: Path, command: tuple[str, ...], fmt: str, **flags: Any) -> None:
    """Run COMMAND (default: the repo's test suite) in a fresh sandbox workspace of PATH.

    \b
    Examples:
      ratchet sandbox run tasks/example
      ratchet sandbox run . --sandbox local -- python -c "import mypkg"

    Exits with 0 when the command succeeded, 1 when it failed, 2 when it could not run.
    """
    settings = settings_for(path, flags)
    argv = list(command) or ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    run = run_in_sandbox(settings, path, argv)
    emit(run, fmt, text=lambda run: run.result.stdout)
    if fmt == "text":  # the command's own stderr stays on stderr
        click.echo(run.result.stderr, nl=False, err=True)
    log.info("%s in the %s sandbox", run.result.describe(), run.sandbox)
    sys.exit(0 if run.result.ok else 1)


@sandbox_group.command("clean")
@click.option("--images", is_flag=True, help="Also remove cached environment images.")
@format_option("text")
def clean_command(images: bool, fmt: str) -> None:
    """Remove every container Ratchet left behind (and, with --images, its cached images)."""
    emit(clean(images), fmt, text=Cleaned.describe)
