"""The `ratchet sandbox ...` commands: thin glue between the CLI and the sandbox package."""

from __future__ import annotations

import logging
from pathlib import Path

import sandbox
from sandbox import RunResult

from .config import Settings

log = logging.getLogger(__name__)


def build_base(tag: str, suite: str, mirror: str | None) -> str:
    from sandbox.docker import connect
    from sandbox.images import build_base as build

    return build(connect(), tag, suite, mirror, say=log.info)


def run_in_sandbox(settings: Settings, path: Path, argv: list[str]) -> tuple[str, RunResult]:
    """Prepare PATH in the configured sandbox and run argv in one fresh workspace."""
    name, why = sandbox.choose(settings.sandbox, settings.base_image)
    log.info("using the %s sandbox: %s", name, why)
    box = sandbox.make_sandbox(name, settings.cache_dir, settings.limits(), settings.base_image)
    log.info("preparing %s (dependencies are installed once and cached)", path)
    with box.prepare(path) as session, session.workspace() as workspace:
        log.info("running `%s`", " ".join(argv))
        return name, workspace.run(argv)


def clean(images: bool) -> str:
    from sandbox.docker import connect
    from sandbox.images import LABEL

    client = connect()
    containers = client.containers.list(all=True, filters={"label": LABEL})
    for container in containers:
        container.remove(force=True)
    removed_images = 0
    kinds = ("repo", "env") if images else ("repo",)
    for image in client.images.list(filters={"label": LABEL}):
        if image.labels.get(LABEL) in kinds:
            client.images.remove(image.id, force=True)
            removed_images += 1
    return f"removed {len(containers)} containers and {removed_images} images"
