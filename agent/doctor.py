"""`ratchet doctor`: what Ratchet will use on this machine, why, and the fix for each missing piece.

Every isolation property of each sandbox is shown with the live check that decided it
(sandbox/isolation.py): bait planted on the host, a script inside that goes for it.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sandbox
from profilers import hardware
from sandbox.isolation import Finding

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
    isolation: dict[str, list[Finding]] = field(default_factory=dict)  # sandbox -> findings

    def to_json(self) -> dict[str, Any]:
        return {
            "version": 1,
            "sandbox": {
                "name": self.sandbox,
                "why": self.why,
                "usable": self.usable,
                "guarantees": self.guarantees,
            },
            "isolation": {
                name: [asdict(f) for f in findings] for name, findings in self.isolation.items()
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
    from sandbox import cgroups, seccomp
    from sandbox.bwrap import setpriv_path
    from sandbox.local import bwrap_works

    checks = [
        Check("bubblewrap", True, "the filesystem view and namespaces of local runs")
        if bwrap_works()
        else Check(
            "bubblewrap",
            False,
            "not usable; local runs cannot be fenced in",
            "sudo apt-get install bubblewrap",
        ),
    ]
    if os.geteuid() == 0:
        found = setpriv_path()
        checks.append(
            Check("setpriv", True, f"{found} (local runs drop root before they start)")
            if found
            else Check(
                "setpriv",
                False,
                "not found; as root the local sandbox will not start without it",
                "sudo apt-get install util-linux",
            )
        )
    unsupported = seccomp.supported()
    checks.append(
        Check("seccomp-table", unsupported is None, unsupported or "x86_64 syscall filter")
    )
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


def _local_model(settings: Settings) -> Check:
    """Whether --llm local can run here: the runtime, and the model file with its hash."""
    from .llm.local import INSTALL, LocalModelError, check_model, check_runtime

    path = settings.local_model_path()
    try:
        check_runtime()
    except LocalModelError:
        return Check("local-model", False, "llama.cpp's server is not installed", INSTALL)
    try:
        check_model(path)
    except LocalModelError as exc:
        return Check("local-model", False, str(exc), "bash scripts/local-model.sh")
    return Check("local-model", True, f"--llm local runs {path}")


def _isolation(settings: Settings) -> dict[str, list[Finding]]:
    """Each sandbox's isolation properties, from its live probe."""
    from sandbox.docker import DockerSandbox
    from sandbox.local import LocalSandbox

    limits = settings.limits()
    return {
        "local": LocalSandbox(settings.cache_dir, limits).findings(),
        "docker": DockerSandbox(settings.cache_dir, limits, settings.base_image).findings(),
    }


def diagnose(settings: Settings) -> Report:
    """Probe this machine (the side-effecting edge) and assemble the report."""
    try:
        name, why = sandbox.choose(settings.sandbox, settings.base_image)
        chosen = True
    except sandbox.SandboxUnavailable as exc:
        name, why, chosen = "none", str(exc), False
    checks = [Check("python", sys.version_info >= (3, 10), sys.version.split()[0])]
    checks += _docker(settings) + _local() + _measurement()
    checks += [_llm(settings), _local_model(settings)]
    isolation = _isolation(settings)
    usable = chosen and (
        name == "local" or all(c.ok for c in checks if c.name in ("docker-engine", "base-image"))
    )
    guarantees = {
        f.prop: None if f.held else f"{f.check}: {f.seen}" for f in isolation.get(name, [])
    }
    return Report(name, why, usable, guarantees, checks, isolation)


def _render_findings(name: str, findings: list[Finding]) -> list[str]:
    if findings and all(f.check == findings[0].check and not f.held for f in findings):
        return [f"  ✗ {name}: not available ({findings[0].seen})"]
    lines = [f"  {name}:"]
    for f in findings:
        lines.append(f"    {'✓' if f.held else '✗'} {f.prop:<15} {f.check}")
        lines.append(f"      {'':<15} -> {f.seen}")
    return lines


def render_text(report: Report) -> str:
    lines = [f"sandbox: {report.sandbox} ({report.why})", ""]
    lines.append("isolation, each property checked live on this machine:")
    for name, findings in report.isolation.items():
        lines += _render_findings(name, findings)
    lines.append("")
    for check in report.checks:
        mark = "✓" if check.ok else "✗"
        lines.append(f"{mark} {check.name:<18} {check.detail}")
        if check.fix and not check.ok:
            lines.append(f"  {'':<18} fix: {check.fix}")
    return "\n".join(lines)
