"""`ratchet doctor`: what Ratchet will use on this machine, why, and the fix for each missing piece."""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sandbox
from profilers import hardware
from sandbox.base import PROPERTIES

from .config import Settings


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str | None = None  # the one command (or step) that fixes it, when not ok


@dataclass(frozen=True)
class Report:
    sandbox: str  # the sandbox `auto` (or the user) picks
    why: str
    usable: bool  # can that sandbox run at all?
    guarantees: dict[str, str | None]
    checks: list[Check] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "sandbox": {
                "name": self.sandbox,
                "why": self.why,
                "usable": self.usable,
                "guarantees": self.guarantees,
            },
            "checks": [asdict(c) for c in self.checks],
        }


def _tool(name: str, fix: str, purpose: str) -> Check:
    path = shutil.which(name) or _beside_python(name)
    if path:
        return Check(name, True, f"{path} ({purpose})")
    return Check(name, False, f"not found; needed for {purpose}", fix)


def _beside_python(name: str) -> str | None:
    candidate = Path(sys.executable).parent / name
    return str(candidate) if candidate.exists() else None


def _docker(settings: Settings) -> list[Check]:
    from sandbox.docker import connect
    from sandbox.images import OWN_BASE, official_base, resolve_base

    try:
        client = connect()
    except sandbox.SandboxUnavailable as exc:
        start = (
            "sudo dockerd > /var/log/dockerd.log 2>&1 &"
            if shutil.which("dockerd")
            else ("sudo apt-get install docker.io")
        )
        return [Check("docker-engine", False, str(exc), start)]
    version = client.version().get("Version", "?")
    checks = [Check("docker-engine", True, f"Docker {version} answered")]
    try:
        base = resolve_base(client, settings.base_image)
        checks.append(Check("base-image", True, f"{base} is present"))
    except sandbox.SandboxUnavailable:
        wanted = settings.base_image or f"{OWN_BASE} or {official_base()}"
        checks.append(
            Check(
                "base-image",
                False,
                f"{wanted} is not present and cannot be pulled",
                "ratchet sandbox build-base",
            )
        )
        checks.append(
            _tool("debootstrap", "sudo apt-get install debootstrap", "building the base image")
        )
    return checks


def _local() -> list[Check]:
    from sandbox import cgroups
    from sandbox.local import bwrap_works

    checks = [
        Check("bubblewrap", True, "read-only host, private /tmp, no network for local runs")
        if bwrap_works()
        else Check(
            "bubblewrap",
            False,
            "not usable; local runs can write wherever you can",
            "sudo apt-get install bubblewrap",
        ),
    ]
    if os.geteuid() == 0:
        reason = cgroups.available()
        checks.append(
            Check(
                "process-limits",
                reason is None,
                reason or "a pids cgroup per run",
                None if reason is None else "mount the pids cgroup controller",
            )
        )
    else:
        checks.append(Check("process-limits", True, "RLIMIT_NPROC (not root)"))
    return checks


def _measurement() -> list[Check]:
    counters = hardware.probe()
    ptrace = Path("/proc/sys/kernel/yama/ptrace_scope")
    scope = ptrace.read_text().strip() if ptrace.exists() else "0"
    valgrind = _tool(
        "valgrind", "sudo apt-get install valgrind", "exact instruction counts (callgrind)"
    )
    if counters is None:
        hardware_check = Check("hardware-counters", True, "perf_event_open counts instructions")
    elif valgrind.ok:
        hardware_check = Check(
            "hardware-counters",
            True,
            f"not offered ({counters}); callgrind counts instructions instead",
        )
    else:
        hardware_check = Check("hardware-counters", False, counters, valgrind.fix)
    return [
        valgrind,
        hardware_check,
        _tool("py-spy", "pip install py-spy", "hotspot sampling"),
        Check(
            "ptrace",
            scope in ("0", "1"),
            f"kernel.yama.ptrace_scope={scope}",
            None if scope in ("0", "1") else "sudo sysctl kernel.yama.ptrace_scope=1",
        ),
    ]


def _llm(settings: Settings) -> Check:
    if settings.llm_api_key is None:
        return Check(
            "llm",
            False,
            "no OPENAI_API_KEY: the Low budget tier (offline rules) only",
            "export OPENAI_API_KEY=... (and OPENAI_BASE_URL for another endpoint)",
        )
    where = settings.llm_base_url or "https://api.openai.com/v1"
    return Check("llm", True, f"an API key is set; endpoint {where}")


def diagnose(settings: Settings) -> Report:
    """Probe this machine (the side-effecting edge) and assemble the report."""
    name, why = sandbox.choose(settings.sandbox, settings.base_image)
    box = sandbox.make_sandbox(name, settings.cache_dir, settings.limits(), settings.base_image)
    guarantees = box.guarantees()
    checks = [Check("python", sys.version_info >= (3, 10), sys.version.split()[0])]
    checks += _docker(settings) + _local() + _measurement() + [_llm(settings)]
    usable = name == "local" or all(
        c.ok for c in checks if c.name in ("docker-engine", "base-image")
    )
    return Report(name, why, usable, {p: guarantees.get(p) for p in PROPERTIES}, checks)


def render_text(report: Report) -> str:
    lines = [f"sandbox: {report.sandbox} ({report.why})"]
    for prop, reason in report.guarantees.items():
        lines.append(
            f"  {'✓' if reason is None else '✗'} {prop}" + (f": {reason}" if reason else "")
        )
    lines.append("")
    for check in report.checks:
        mark = "✓" if check.ok else "✗"
        lines.append(f"{mark} {check.name:<18} {check.detail}")
        if check.fix and not check.ok:
            lines.append(f"  {'':<18} fix: {check.fix}")
    return "\n".join(lines)
