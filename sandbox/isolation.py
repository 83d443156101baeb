"""Isolation properties, each proved on this machine by a live check, never asserted.

`probe(session)` plants bait on the host (a TCP listener on loopback, Unix sockets in a temp
folder, under /run and in the abstract namespace, a secret file in the home folder, a secret in
Ratchet's own environment), runs a small stdlib script in a fresh workspace of `session` that
tries to reach each one, then checks the host side (did a write land? is a process left?).
Each property is a `Finding`: held or not, what was tried, and what was seen.

    network          no connection leaves: not to the host's loopback, not over AF_VSOCK
    filesystem       writes outside the workspace never reach the host
    secrets          neither the host's environment nor a file in its home folder gets in
    host-sockets     no Unix socket of the host can be connected to
    unprivileged     not uid 0, no capability in any set, no_new_privs
    syscall-filter   a seccomp filter is loaded; a new user namespace is refused
    processes        a process-count limit holds (a bounded fork loop meets it)
    memory           a memory limit holds
    timeout          the wall-clock limit ends the whole tree, a child in its own session too
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import socket
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .base import RunResult, Session
from .probe_scripts import FORKS, INSIDE, MEMORY_HOG, ORPHAN

NETWORK = "network"
FILESYSTEM = "filesystem"
SECRETS = "secrets"
HOST_SOCKETS = "host-sockets"
UNPRIVILEGED = "unprivileged"
SYSCALLS = "syscall-filter"
PROCESSES = "processes"
MEMORY = "memory"
TIMEOUT = "timeout"
PROPERTIES = (
    NETWORK,
    FILESYSTEM,
    SECRETS,
    HOST_SOCKETS,
    UNPRIVILEGED,
    SYSCALLS,
    PROCESSES,
    MEMORY,
    TIMEOUT,
)
# What `auto` needs before it hands LLM-written code to a sandbox. The syscall filter is
# defence in depth (its one boundary of its own, AF_VSOCK, is checked under `network`).
REQUIRED = tuple(p for p in PROPERTIES if p != SYSCALLS)
CANARY = "RATCHET_PROBE_CANARY"
FORK_CEILING = 200  # the fork loop stops here by itself, whether or not a limit holds
MEMORY_CEILING_MB = 512


@dataclass(frozen=True)
class Finding:
    """One property on this machine: held or not, the check that decided, what it saw."""

    prop: str
    held: bool
    check: str
    seen: str


def as_guarantees(findings: list[Finding]) -> dict[str, str | None]:
    """The Sandbox protocol's form: None where a property holds, else what the check saw."""
    return {f.prop: None if f.held else f"{f.check}: {f.seen}" for f in findings}


def missing(findings: list[Finding], wanted: tuple[str, ...] = REQUIRED) -> list[Finding]:
    return [f for f in findings if f.prop in wanted and not f.held]


@dataclass
class Bait:
    """What the probe planted on the host, to be looked for from inside and then removed."""

    port: int
    unix: list[str]
    read: list[str]
    write: list[str]
    token: str


@contextlib.contextmanager
def planted() -> Iterator[Bait]:
    token = secrets.token_hex(12)
    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="ratchet-probe-")))
        listener = stack.enter_context(socket.create_server(("127.0.0.1", 0)))
        runtime = os.environ.get("XDG_RUNTIME_DIR")
        places: list[Path | str] = [folder / "probe.sock", f"\0ratchet-probe-{token}"]
        for where in ("/run", runtime):
            if where and os.access(where, os.W_OK):
                places.append(Path(where) / f"ratchet-probe-{token}.sock")
        unix = [p for p in (_unix_socket(stack, place) for place in places) if p]
        unix += [p for p in ("/var/run/docker.sock", "/run/docker.sock") if os.path.exists(p)]
        home_secret = Path.home() / f".ratchet-probe-secret-{token}"
        home_secret.write_text(token)  # a home Ratchet cannot write to is an error worth seeing
        stack.callback(home_secret.unlink, missing_ok=True)
        writes = [str(folder / "escaped"), str(Path.home() / f".ratchet-probe-escape-{token}")]
        writes.append(f"/tmp/ratchet-probe-escape-{token}")
        for path in writes[1:]:
            stack.callback(Path(path).unlink, missing_ok=True)
        os.environ[CANARY] = token
        stack.callback(os.environ.pop, CANARY, None)
        port = listener.getsockname()[1]
        yield Bait(port, unix, [str(home_secret)], writes, token)


def _unix_socket(stack: contextlib.ExitStack, path: Path | str) -> str | None:
    """A Unix socket listening at `path` until the stack closes (None: it cannot be made)."""
    server = stack.enter_context(socket.socket(socket.AF_UNIX, socket.SOCK_STREAM))
    try:
        server.bind(str(path))
        server.listen(1)
    except OSError:
        return None
    if isinstance(path, Path):
        stack.callback(path.unlink, missing_ok=True)
    return str(path).replace("\0", "@")


def probe(session: Session, python: str = "python3") -> list[Finding]:
    """Every property of PROPERTIES, checked live in fresh workspaces of `session`.

    `session` should have small limits (pids ~24, memory ~64 MB), so the resource checks are
    quick and bounded even where a limit does not hold.
    """
    with planted() as bait, session.workspace() as ws:
        spec = json.dumps(
            {"port": bait.port, "unix": _wire(bait.unix), "read": bait.read, "write": bait.write}
        )
        run = ws.run(
            [python, "-c", INSIDE, spec], env={"RATCHET_PROBE_TOKEN": bait.token}, timeout=60
        )
        try:
            seen = json.loads(run.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            why = f"the probe script did not report ({_ended(run)}): {run.stderr.strip()[-300:]}"
            return [Finding(p, False, "the probe script", why) for p in PROPERTIES]
        landed = [p for p in bait.write if os.path.exists(p)]
        findings = [
            _network(seen, bait),
            _filesystem(seen, landed),
            _secrets(seen, bait),
            _sockets(seen, bait),
            _unprivileged(seen),
            _syscalls(seen),
        ]
        findings += [_processes(ws.run, python), _memory(ws.run, python), _timeout(ws.run, python)]
    return findings


def _wire(paths: list[str]) -> list[str]:
    return [("\0" + p[1:]) if p.startswith("@") else p for p in paths]


def _network(seen: dict, bait: Bait) -> Finding:
    check = f"connect() to a TCP listener on the host's 127.0.0.1:{bait.port}; socket(AF_VSOCK)"
    held = seen["tcp"] != "ok" and seen["vsock"] != "ok"
    return Finding(NETWORK, held, check, f"tcp: {seen['tcp']}; vsock: {seen['vsock']}")


def _filesystem(seen: dict, landed: list[str]) -> Finding:
    check = (
        f"append to {len(seen['write'])} host paths outside the workspace, then look on the host"
    )
    result = "; ".join(f"{p}: {r}" for p, r in seen["write"].items())
    if landed:
        return Finding(FILESYSTEM, False, check, f"written on the host: {', '.join(landed)}")
    return Finding(FILESYSTEM, True, check, f"nothing reached the host (inside: {result})")


def _secrets(seen: dict, bait: Bait) -> Finding:
    check = f"read {bait.read[0]} (planted on the host) and look for ${CANARY} and a passed token"
    leaked = [name for name, value in seen["env"] if bait.token in value]
    read = next(iter(seen["read"].values()))
    held = not leaked and read != "ok"
    shown = f"read: {read}; environment: " + (f"leaked {leaked}" if leaked else "clean")
    return Finding(SECRETS, held, check, shown)


def _sockets(seen: dict, bait: Bait) -> Finding:
    check = (
        f"connect() to {len(bait.unix)} Unix sockets the host listens on: {', '.join(bait.unix)}"
    )
    reached = [p for p, r in zip(bait.unix, seen["unix"].values(), strict=True) if r == "ok"]
    if reached:
        return Finding(HOST_SOCKETS, False, check, f"connected to {', '.join(reached)}")
    kinds = sorted({r.split(":")[0] for r in seen["unix"].values()})
    return Finding(HOST_SOCKETS, True, check, f"none connected ({', '.join(kinds)})")


def _unprivileged(seen: dict) -> Finding:
    uid, euid, gid = seen["uid"]
    caps = seen["caps"]
    no_caps = all(value == "0000000000000000" for value in caps.values() if value is not None)
    held = uid != 0 and euid != 0 and no_caps and seen["nnp"] == "1"
    shown = f"uid {uid}, euid {euid}, gid {gid}; CapEff {caps['CapEff']}, CapBnd {caps['CapBnd']}"
    return Finding(
        UNPRIVILEGED,
        held,
        "id and /proc/self/status inside",
        f"{shown}; no_new_privs {seen['nnp']}",
    )


def _syscalls(seen: dict) -> Finding:
    held = seen["seccomp"] == "2" and seen["userns"] != "ok"
    shown = (
        f"Seccomp: {seen['seccomp']} (2: filtered), filters: {seen.get('filters')}; "
        f"unshare(CLONE_NEWUSER): {seen['userns']}"
    )
    return Finding(SYSCALLS, held, "/proc/self/status and unshare(CLONE_NEWUSER) inside", shown)


Runner = Callable[..., RunResult]


def _ended(result: RunResult) -> str:
    """How a probe run ended, without its (long) script."""
    return result.describe().split("` ", 1)[-1]


def _processes(run: Runner, python: str) -> Finding:
    check = f"fork up to {FORK_CEILING} sleeping children"
    result = run([python, "-c", FORKS, str(FORK_CEILING)], timeout=30)
    forked = result.stdout.strip().splitlines()[-1:] or ["?"]
    held = result.limit == "processes" or (forked[0].isdigit() and int(forked[0]) < FORK_CEILING)
    return Finding(PROCESSES, held, check, f"{forked[0]} forked; {_ended(result)}")


def _memory(run: Runner, python: str) -> Finding:
    check = f"allocate up to {MEMORY_CEILING_MB} MB in 16 MB blocks"
    result = run([python, "-c", MEMORY_HOG, str(MEMORY_CEILING_MB)], timeout=30)
    said = result.stdout.strip() or "nothing"
    held = result.limit == "memory" or "MemoryError" in said
    return Finding(MEMORY, held, check, f"{said}; {_ended(result)}")


def _timeout(run: Runner, python: str) -> Finding:
    marker = f"{30 + secrets.randbelow(10**6) / 10**6:.6f}"  # a sleep no other process has
    check = f"sleep past a 1 s timeout, with a child `sleep {marker}` in its own session"
    started = time.monotonic()
    result = run([python, "-c", ORPHAN, marker], timeout=1)
    time.sleep(0.3)
    left = _processes_with(marker)
    for pid in left:  # the probe cleans up after itself even when the property fails
        with contextlib.suppress(OSError):
            os.kill(pid, 9)
    held = result.timed_out and not left and time.monotonic() - started < 15
    shown = f"{_ended(result)}; " + (f"left running: pids {left}" if left else "nothing left")
    return Finding(TIMEOUT, held, check, shown)


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if marker in (entry / "cmdline").read_bytes().decode(errors="replace"):
                    found.append(int(entry.name))
    return found
