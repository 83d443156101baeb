"""Where untrusted code runs: `docker` (containers) or `local` (fenced subprocesses).

See base.py for the protocol and errors.py for what can go wrong.
"""

from __future__ import annotations

from pathlib import Path

from .base import PROPERTIES, Limits, PreparedRepo, RunResult, Sandbox, Session, Workspace
from .errors import BadRepository, DependencyInstallError, SandboxError, SandboxUnavailable

NAMES = ("auto", "docker", "local")

__all__ = [
    "NAMES",
    "PROPERTIES",
    "BadRepository",
    "DependencyInstallError",
    "Limits",
    "PreparedRepo",
    "RunResult",
    "Sandbox",
    "SandboxError",
    "SandboxUnavailable",
    "Session",
    "Workspace",
    "choose",
    "make_sandbox",
]


def choose(requested: str, base_image: str | None) -> tuple[str, str]:
    """(sandbox name, why) for `requested` in NAMES; `auto` prefers a ready Docker engine."""
    if requested != "auto":
        return requested, f"asked for with --sandbox {requested}"
    from .docker import connect
    from .images import resolve_base

    try:
        client = connect()
    except SandboxUnavailable as exc:
        return "local", f"{exc} (auto falls back to the local sandbox)"
    try:
        base = resolve_base(client, base_image)
    except SandboxUnavailable as exc:
        return "local", f"{exc} (auto falls back to the local sandbox)"
    return "docker", f"a Docker engine answered and the base image {base} is present"


def make_sandbox(
    name: str, cache_dir: Path, limits: Limits | None = None, base_image: str | None = None
) -> Sandbox:
    """The sandbox called `name` ("docker" or "local"); the caller resolves "auto" first."""
    if name == "docker":
        from .docker import DockerSandbox

        return DockerSandbox(cache_dir, limits, base_image)
    if name == "local":
        from .local import LocalSandbox

        return LocalSandbox(cache_dir, limits)
    raise ValueError(f"unknown sandbox {name!r}; choose one of {', '.join(NAMES)}")
