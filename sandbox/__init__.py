"""Where untrusted code runs: `docker` (containers) or `local` (fenced subprocesses).

See base.py for the protocol and errors.py for what can go wrong.
"""

from __future__ import annotations

import sys
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
    """(sandbox name, why) for `requested` in NAMES; `auto` prefers a ready Docker engine.

    `auto` falls back to the local sandbox only when the live probe (isolation.py) shows every
    property LLM-written code needs holding here; otherwise SandboxUnavailable says what is
    missing. An explicit `--sandbox local` is taken as asked.
    """
    if requested != "auto":
        return requested, f"asked for with --sandbox {requested}"
    from .docker import connect
    from .images import resolve_base

    try:
        base = resolve_base(connect(), base_image)
    except SandboxUnavailable as exc:
        return "local", _local_fallback(str(exc))
    return "docker", f"a Docker engine answered and the base image {base} is present"


def _local_fallback(docker_why: str) -> str:
    from . import isolation
    from .local import probe_findings

    findings = list(probe_findings(sys.executable))
    gaps = isolation.missing(findings)
    if gaps:
        names = ", ".join(f.prop for f in gaps)
        raise SandboxUnavailable(
            f"{docker_why.rstrip('.')}, and the local sandbox cannot fence LLM-written code "
            f"here ({names} failed its live check: {gaps[0].seen}); start Docker, or see "
            "`ratchet doctor`, or pass --sandbox local to run without that isolation."
        )
    weaker = [f"{f.prop} did not hold: {f.seen}" for f in findings if not f.held]
    return (
        f"{docker_why} (auto falls back to the local sandbox: its isolation held in a live "
        f"check{'; ' + '; '.join(weaker) if weaker else ''})"
    )


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
