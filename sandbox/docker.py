"""DockerSandbox: each workspace is a new container from the session's repo image.

Runs have no network, memory/CPU/pids limits, no-new-privileges, every capability dropped (but
SYS_PTRACE when profiling, for py-spy), a non-root user, and an environment built from nothing.
The repo goes in as a tar made by copy.py: symlinks stay symlinks, and a repo with a symlink
that leaves it is refused before anything is read. `guarantees()` is the live probe of
isolation.py, run in a container of the base image with the workspaces' own settings.
Containers are removed when their workspace closes, also on Ctrl-C; containers and images left by
a process that was killed outright are reaped by the next session (their owner pid is gone).
"""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import os
import socket
import tarfile
import tempfile
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import ClassVar

import docker
import docker.errors
from docker.models.containers import Container

from . import isolation, seccomp
from .base import Limits, PreparedRepo, RunResult, inside_path
from .cgroups import count_after
from .copy import plan_copy
from .environ import RUN_UID_ENV, sandbox_env
from .errors import SandboxUnavailable
from .images import (
    LABEL,
    PATH,
    UID,
    WORKDIR,
    build_repo_image,
    ensure_env_image,
    resolve_base,
    tar_files,
)
from .output import CappedBuffer
from .repo import check_repo, list_files, read_dependencies, require_tests

log = logging.getLogger(__name__)
OWNER = "ratchet.owner"  # label: "<hostname>:<pid>" of the Ratchet process that made it
COUNTERS = (  # memory, then pids; cgroup v1 and v2 paths
    "cat /sys/fs/cgroup/memory/memory.oom_control /sys/fs/cgroup/memory.events 2>/dev/null;"
    "echo --; cat /sys/fs/cgroup/pids/pids.events /sys/fs/cgroup/pids.events 2>/dev/null"
)
PROBE_LIMITS = Limits(timeout=30, memory_mb=64, pids=24, cpus=1.0, output_bytes=1 << 20)


def connect() -> docker.DockerClient:
    """A client that has answered a ping, or SandboxUnavailable saying what to do."""
    url = os.environ.get("DOCKER_HOST", "unix:///var/run/docker.sock")
    try:
        client = docker.from_env(timeout=120)
        client.ping()
    except Exception as exc:  # the SDK raises several unrelated types for "no engine"
        raise SandboxUnavailable(
            f"no Docker engine answered at {url}; start one, or use --sandbox local."
        ) from exc
    return client


def owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def reap_stale(client: docker.DockerClient) -> int:
    """Remove containers and repo images whose owning Ratchet process on this host is gone.

    Environment images are a cache shared by every run and are kept.
    """
    host = socket.gethostname()
    removed = 0
    for container in client.containers.list(
        all=True, filters={"label": OWNER}, ignore_removed=True
    ):
        if _orphaned(container.labels.get(OWNER, ""), host):
            with contextlib.suppress(docker.errors.APIError):
                container.remove(force=True)
                removed += 1
    for image in client.images.list(filters={"label": f"{LABEL}=repo"}):
        if _orphaned(image.labels.get(OWNER, ""), host):
            with contextlib.suppress(docker.errors.APIError):
                client.images.remove(image.id, force=True)
    return removed


def _orphaned(label: str, host: str) -> bool:
    name, _, pid = label.rpartition(":")
    if name != host or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


class DockerSandbox:
    name = "docker"

    def __init__(
        self, cache_dir: Path, limits: Limits | None = None, base_image: str | None = None
    ) -> None:
        self.cache_dir = cache_dir
        self.limits = limits or Limits()
        self.base_image = base_image

    def findings(self) -> list[isolation.Finding]:
        return list(probe_findings(self.base_image))

    def guarantees(self) -> dict[str, str | None]:
        return isolation.as_guarantees(self.findings())

    def prepare(self, repo: Path) -> DockerSession:
        root = check_repo(repo)
        files = list_files(root)
        plan = plan_copy(root, files)  # before anything reads a file: refuse escaping links
        # The build container gets files only: a link is read through when it names a file in
        # the repo (links that leave were refused above), left out when it names a folder.
        regular = tuple(e.name for e in plan.entries if e.link is None or (root / e.name).is_file())
        require_tests(root, files)
        client = connect()
        reap_stale(client)
        base_tag = resolve_base(client, self.base_image)
        deps = read_dependencies(root, files)
        key = deps.key(root, "docker", client.images.get(base_tag).id)
        env_image = ensure_env_image(
            client, base_tag, deps, root, regular, key, self.cache_dir / "logs", {OWNER: owner()}
        )
        name = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        image = build_repo_image(client, env_image, plan, name, {OWNER: owner()})
        prepared = PreparedRepo(root=root, files=files, env_key=key)
        return DockerSession(client, prepared, image, self.limits)


@functools.cache
def probe_findings(base_image: str | None) -> tuple[isolation.Finding, ...]:
    """The live isolation probe in a container of the base image, once per process."""
    try:
        client = connect()
        image = resolve_base(client, base_image)
    except SandboxUnavailable as exc:
        return tuple(isolation.Finding(p, False, "docker", str(exc)) for p in isolation.PROPERTIES)
    with tempfile.TemporaryDirectory(prefix="ratchet-probe-repo-") as empty:
        repo = PreparedRepo(root=Path(empty), files=(), env_key="probe")
        with DockerSession(client, repo, image, PROBE_LIMITS, owns_image=False) as session:
            return tuple(isolation.probe(session))


class DockerSession:
    sandbox: ClassVar[str] = "docker"

    def __init__(
        self,
        client: docker.DockerClient,
        repo: PreparedRepo,
        image: str,
        limits: Limits,
        owns_image: bool = True,
    ) -> None:
        self.client = client
        self.repo = repo
        self.image = image
        self.limits = limits
        self.owns_image = owns_image  # the session's own repo image, removed when it closes
        self.open: set[DockerWorkspace] = set()

    def workspace(
        self, changes: Mapping[str, bytes] | None = None, *, profiling: bool = False
    ) -> DockerWorkspace:
        limits = self.limits
        container = self.client.containers.create(
            self.image,
            ["sleep", "infinity"],
            init=True,
            # The idle main process is root's, so that `kill -9 -1` as the sandbox user (which
            # ends every process a run left behind) cannot take the container down with it.
            user="0",
            working_dir=WORKDIR,
            network_mode="none",
            mem_limit=f"{limits.memory_mb}m",
            memswap_limit=f"{limits.memory_mb}m",
            pids_limit=limits.pids,
            nano_cpus=int(limits.cpus * 1e9),
            security_opt=["no-new-privileges"],
            cap_drop=["ALL"],
            cap_add=["SYS_PTRACE"] if profiling else None,
            environment={"PATH": PATH, "HOME": "/home/ratchet"},
            labels={LABEL: "workspace", OWNER: owner()},
        )
        workspace = DockerWorkspace(self, container)
        self.open.add(workspace)
        try:
            if changes:
                container.put_archive(
                    "/", tar_files({inside_path(p): d for p, d in changes.items()})
                )
            container.start()
        except BaseException:
            workspace.close()
            raise
        return workspace

    def close(self) -> None:
        for workspace in list(self.open):
            workspace.close()
        if self.owns_image:
            with contextlib.suppress(docker.errors.APIError):
                self.client.images.remove(self.image, force=True)

    def __enter__(self) -> DockerSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class DockerWorkspace:
    root = WORKDIR

    def __init__(self, session: DockerSession, container: Container) -> None:
        self.session = session
        self.container = container
        self.counters = ""  # memory.failcnt and pids.events as last read

    def run(
        self,
        argv: Sequence[str],
        *,
        timeout: float | None = None,
        env: Mapping[str, str] | None = None,
    ) -> RunResult:
        limits = self.session.limits
        timeout = timeout or limits.timeout
        api = self.session.client.api
        fixed = {"PATH": PATH, "HOME": "/home/ratchet", "TMPDIR": "/tmp", RUN_UID_ENV: str(UID)}
        child_env = sandbox_env(fixed, env)
        # Docker's default seccomp profile allows AF_VSOCK (20.10 does): Ratchet's filter goes on
        # top of it, loaded by the launcher before the command starts.
        command = ["timeout", "-k", "5", str(timeout), *seccomp.launcher(), *argv]
        exec_id = api.exec_create(
            self.container.id,
            command,
            environment=child_env,
            workdir=WORKDIR,
            user=f"{UID}:{UID}",
        )["Id"]
        stdout, stderr = CappedBuffer(limits.output_bytes), CappedBuffer(limits.output_bytes)
        # `timeout` ends its own process group; the watchdog ends whatever escaped the group and
        # still holds the output open.
        watchdog = threading.Timer(timeout + 1, self._kill_leftovers)
        start = time.monotonic()
        watchdog.start()
        try:
            for out, err in api.exec_start(exec_id, stream=True, demux=True):
                stdout.write(out or b"")
                stderr.write(err or b"")
        finally:
            watchdog.cancel()
        duration = time.monotonic() - start
        self._kill_leftovers()  # nothing a run starts outlives it
        returncode = api.exec_inspect(exec_id)["ExitCode"]
        returncode = -9 if returncode is None else returncode
        timed_out = returncode in (124, 137, -9) and duration >= timeout
        limit = (self._limit_hit() if returncode else None) or ("timeout" if timed_out else None)
        return RunResult(
            argv=tuple(argv),
            returncode=returncode,
            stdout=stdout.text(),
            stderr=stderr.text(),
            duration=duration,
            timed_out=timed_out,
            limit=limit,
            dropped_bytes=stdout.dropped + stderr.dropped,
        )

    def _kill_leftovers(self) -> None:
        with contextlib.suppress(docker.errors.APIError):
            self.container.exec_run(["sh", "-c", "kill -9 -1"], user=f"{UID}:{UID}")

    def _limit_hit(self) -> str | None:
        """Which cgroup limit a failed run ran into, from the counters' change since last read."""
        try:
            found = self.container.exec_run(["sh", "-c", COUNTERS], user="0").output.decode()
        except docker.errors.APIError:
            return None
        before, self.counters = _parse_counters(self.counters), found
        after = _parse_counters(found)
        if after[0] > before[0]:
            return "memory"
        if after[1] > before[1]:
            return "processes"
        return None

    def read_file(self, path: str) -> bytes:
        try:
            stream, _ = self.container.get_archive(f"{WORKDIR}/{inside_path(path)}")
        except docker.errors.NotFound as exc:
            raise FileNotFoundError(f"{path} is not in the workspace") from exc
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            member = tar.next()
            extracted = tar.extractfile(member) if member else None
            if extracted is None:
                raise FileNotFoundError(path)
            return extracted.read()

    def write_file(self, path: str, data: bytes) -> None:
        self.container.put_archive("/", tar_files({inside_path(path): data}))

    def close(self) -> None:
        self.session.open.discard(self)
        with contextlib.suppress(docker.errors.NotFound):
            self.container.remove(force=True)

    def __enter__(self) -> DockerWorkspace:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _parse_counters(text: str) -> tuple[int, int]:
    """(OOM kills, forks refused at pids.max) from COUNTERS' output; zeros when unreadable."""
    memory, _, pids = text.partition("--")
    return count_after(memory, "oom_kill"), count_after(pids, "max")
