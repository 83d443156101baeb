"""Nothing is left behind when a run is interrupted: Ctrl-C, SIGTERM, or even SIGKILL."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import docker_or_skip

ROOT = Path(__file__).resolve().parents[1]


def start_run(
    repo: Path, cache: Path, *command: str, sandbox: str = "docker"
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "agent",
            "sandbox",
            "run",
            str(repo),
            "--sandbox",
            sandbox,
            "--",
            *command,
        ],
        env={**os.environ, "RATCHET_CACHE_DIR": str(cache)},
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        # Ctrl-C as at a terminal: a shell starts background jobs with SIGINT ignored, and a
        # process that inherits that ignores it too (rightly), so the test would not be one
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )


def wait_for(condition: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.2)


def owned_by(pid: int) -> tuple[list[object], list[object]]:
    from sandbox.docker import OWNER, connect

    client = connect()
    label = f"{OWNER}={socket.gethostname()}:{pid}"
    return (
        client.containers.list(all=True, filters={"label": label}),
        client.images.list(filters={"label": label}),
    )


def running_workspace(proc: subprocess.Popen[str]) -> bool:
    containers, _ = owned_by(proc.pid)
    return any(c.status == "running" for c in containers)  # type: ignore[attr-defined]


@pytest.mark.docker
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_run_removes_its_containers(
    sig: signal.Signals, tiny_repo: Path, cache_dir: Path
) -> None:
    docker_or_skip()
    proc = start_run(tiny_repo, cache_dir, "sleep", "120")
    wait_for(lambda: running_workspace(proc))
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err
    assert owned_by(proc.pid) == ([], [])


@pytest.mark.docker
def test_a_killed_runs_leftovers_are_reaped_by_the_next_session(
    tiny_repo: Path, cache_dir: Path
) -> None:
    docker_or_skip()
    from sandbox.docker import DockerSandbox

    proc = start_run(tiny_repo, cache_dir, "sleep", "120")
    wait_for(lambda: running_workspace(proc))
    proc.kill()
    proc.wait()
    assert owned_by(proc.pid)[0], "SIGKILL cannot clean up; the container must still be there"
    with DockerSandbox(cache_dir).prepare(tiny_repo):
        assert owned_by(proc.pid) == ([], [])


def sleepers(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and marker in (entry / "cmdline").read_bytes().decode():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL])
def test_local_runs_die_with_ratchet(sig: signal.Signals, tiny_repo: Path, cache_dir: Path) -> None:
    marker = f"{time.time() % 1000:.6f}"  # a sleep argument no other process has
    proc = start_run(tiny_repo, cache_dir, "sleep", marker, sandbox="local")
    wait_for(lambda: bool(sleepers(marker)), 60)
    proc.send_signal(sig)
    proc.wait(timeout=60)
    wait_for(lambda: not sleepers(marker), 10)


@pytest.mark.docker
def test_a_reaper_goes_on_when_another_run_removed_a_container_it_listed() -> None:
    """Two Ratchet runs sharing an engine reap the same dead run's containers: the other run
    removes a container between this one's listing and its inspection (it raised NotFound
    before). The interleaving is forced: the listing call itself removes one container."""
    docker_or_skip()
    from sandbox.docker import OWNER, connect, reap_stale
    from sandbox.images import LABEL, resolve_base

    client = connect()
    labels = {OWNER: f"{socket.gethostname()}:{dead_pid()}", LABEL: "test"}
    made = [client.containers.create(resolve_base(client, None), ["true"], labels=labels)]
    made.append(client.containers.create(resolve_base(client, None), ["true"], labels=labels))
    listing = client.api.containers

    def list_then_lose_one(*args: object, **kwargs: object) -> object:
        found = listing(*args, **kwargs)
        connect().containers.get(made[0].id).remove(force=True)  # the other run wins the race
        return found

    client.api.containers = list_then_lose_one  # type: ignore[method-assign]
    try:
        assert reap_stale(client) == 1  # the one left; the lost one is no error
    finally:
        for container in made:
            with contextlib.suppress(Exception):
                container.remove(force=True)


def dead_pid() -> int:
    """A pid no process has now: a child that has exited and been waited for."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid
