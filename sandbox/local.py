"""LocalSandbox: subprocesses on this machine, fenced in as far as the kernel allows.

Each workspace is a fresh copy of the repo. Each run gets, where available:
- bubblewrap: the host mounted read-only, a private /tmp, only the workspace writable, no network,
  its own pid namespace (so nothing outlives the run);
- otherwise `unshare --net` (root) or `unshare -r --net` (user namespaces) for the network alone;
- a private pids (and memory) cgroup when root, since RLIMIT_NPROC does not bind root;
- rlimits (CPU time, file size, address space when no memory cgroup, process count when not root);
- its own process group, killed as a whole on timeout;
- an environment built from nothing (see environ.py).
`guarantees()` says which of these hold here and why the others do not.
"""

from __future__ import annotations

import contextlib
import functools
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType

from . import base, cgroups
from .base import Limits, PreparedRepo, RunResult, inside_path
from .environ import sandbox_env
from .output import CappedBuffer, drain
from .repo import check_repo, list_files, read_dependencies, require_tests
from .venvs import ensure_venv

INSIDE = "/tmp/ratchet/workspace"  # where the workspace appears under bubblewrap


@functools.cache
def _works(argv: tuple[str, ...]) -> bool:
    try:
        return subprocess.run(argv, capture_output=True, timeout=10, check=False).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def bwrap_works() -> bool:
    return bool(shutil.which("bwrap")) and _works(
        ("bwrap", "--ro-bind", "/", "/", "--unshare-net", "--unshare-pid", "true")
    )


def unshare_prefix() -> list[str] | None:
    """argv prefix that puts a command in a fresh network namespace, if this kernel lets us."""
    candidates = [["unshare", "--net"], ["unshare", "--user", "--map-root-user", "--net"]]
    for prefix in candidates if os.geteuid() == 0 else candidates[1:]:
        if shutil.which("unshare") and _works((*prefix, "true")):
            return prefix
    return None


class LocalSandbox:
    name = "local"

    def __init__(
        self, cache_dir: Path, limits: Limits | None = None, python: str = sys.executable
    ) -> None:
        self.cache_dir = cache_dir
        self.limits = limits or Limits()
        self.python = python

    def guarantees(self) -> dict[str, str | None]:
        bwrap = bwrap_works()
        no_bwrap = "bubblewrap is not available (apt-get install bubblewrap)"
        group = cgroups.available() if os.geteuid() == 0 else None
        return {
            base.NETWORK: None
            if bwrap or unshare_prefix()
            else f"{no_bwrap} and `unshare --net` is not permitted: sandboxed code can reach the network",
            base.FILESYSTEM: None
            if bwrap
            else f"{no_bwrap}: sandboxed code can write wherever your user can",
            base.SECRETS: None,
            base.PROCESSES: group,
            base.MEMORY: None,
            base.TIMEOUT: None
            if bwrap
            else f"{no_bwrap}: a process that leaves its group survives",
        }

    def prepare(self, repo: Path) -> LocalSession:
        root = check_repo(repo)
        files = list_files(root)
        require_tests(root, files)
        deps = read_dependencies(root, files)
        key = deps.key(root, "local", os.path.realpath(self.python))
        venv = ensure_venv(self.cache_dir, key, self.python, deps, root)
        prepared = PreparedRepo(root=root, files=files, env_key=key)
        return LocalSession(prepared, venv, self.limits)


class LocalSession:
    def __init__(self, repo: PreparedRepo, venv: Path, limits: Limits) -> None:
        self.repo = repo
        self.venv = venv
        self.limits = limits
        self.dir = Path(tempfile.mkdtemp(prefix="ratchet-local-"))
        self.base = self.dir / "base"
        self.count = 0
        self.bwrap = bwrap_works()
        self.unshare = None if self.bwrap else unshare_prefix()
        for name in repo.files:
            target = self.base / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(repo.root / name, target)

    def workspace(
        self, changes: Mapping[str, bytes] | None = None, *, profiling: bool = False
    ) -> LocalWorkspace:
        self.count += 1
        host = self.dir / f"ws-{self.count}"
        shutil.copytree(self.base, host, symlinks=True)
        workspace = LocalWorkspace(self, host)
        for path, data in (changes or {}).items():
            workspace.write_file(path, data)
        return workspace

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> LocalSession:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class LocalWorkspace:
    def __init__(self, session: LocalSession, host: Path) -> None:
        self.session = session
        self.host = host
        self.home = session.dir / f"home-{host.name}"
        self.home.mkdir()

    @property
    def root(self) -> str:
        return INSIDE if self.session.bwrap else str(self.host)

    def _path(self, path: str) -> Path:
        target = (self.host / inside_path(path)).resolve()
        if not target.is_relative_to(self.host.resolve()):  # a symlink pointing out
            raise ValueError(f"{path!r} points outside the workspace")
        return target

    def read_file(self, path: str) -> bytes:
        return self._path(path).read_bytes()

    def write_file(self, path: str, data: bytes) -> None:
        target = self._path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        target.write_bytes(data)

    def _argv(self, argv: Sequence[str]) -> list[str]:
        if self.session.bwrap:
            venv = self.session.venv  # bound again in case it lives under /tmp
            return [
                "bwrap",
                "--ro-bind",
                "/",
                "/",
                "--dev",
                "/dev",
                "--proc",
                "/proc",
                "--tmpfs",
                "/tmp",
                "--ro-bind",
                str(venv),
                str(venv),
                "--bind",
                str(self.host),
                INSIDE,
                "--bind",
                str(self.home),
                "/tmp/home",
                "--unshare-net",
                "--unshare-pid",
                "--unshare-ipc",
                "--unshare-uts",
                "--die-with-parent",
                "--chdir",
                INSIDE,
                *(["--cap-drop", "ALL"] if os.geteuid() == 0 else []),
                "--",
                *argv,
            ]
        return [*(self.session.unshare or []), *argv]

    def run(
        self,
        argv: Sequence[str],
        *,
        timeout: float | None = None,
        env: Mapping[str, str] | None = None,
    ) -> RunResult:
        limits = self.session.limits
        timeout = timeout or limits.timeout
        home = "/tmp/home" if self.session.bwrap else str(self.home)
        path = f"{self.session.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin"
        child_env = sandbox_env({"PATH": path, "HOME": home, "TMPDIR": "/tmp"}, env)
        group = _cgroup(limits)
        stdout, stderr = CappedBuffer(limits.output_bytes), CappedBuffer(limits.output_bytes)
        start = time.monotonic()
        timed_out = False
        try:
            proc = subprocess.Popen(
                self._argv(argv),
                cwd=self.host,
                env=child_env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                preexec_fn=_limit_child(limits, group),
            )
            assert proc.stdout and proc.stderr
            pumps = [drain(proc.stdout, stdout), drain(proc.stderr, stderr)]
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
            _kill_group(proc.pid, group)
            returncode = proc.wait()
            for pump in pumps:
                pump.join(timeout=5)
            hit = (group.hit() if group else None) or ("timeout" if timed_out else None)
        finally:
            if group:
                group.remove()
        hit = hit or _limit_from_signal(returncode, stderr)
        return RunResult(
            argv=tuple(argv),
            returncode=returncode,
            stdout=stdout.text(),
            stderr=stderr.text(),
            duration=time.monotonic() - start,
            timed_out=timed_out,
            limit=hit,
            dropped_bytes=stdout.dropped + stderr.dropped,
        )

    def close(self) -> None:
        shutil.rmtree(self.host, ignore_errors=True)
        shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self) -> LocalWorkspace:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _cgroup(limits: Limits) -> cgroups.RunCgroup | None:
    if os.geteuid() != 0:
        return None
    try:
        return cgroups.RunCgroup.create(limits.pids, limits.memory_mb * 1024 * 1024)
    except OSError:
        return None


def _limit_child(limits: Limits, group: cgroups.RunCgroup | None) -> Callable[[], None]:
    """What the child does between fork and exec: join the cgroup, set rlimits."""
    nproc = None if os.geteuid() == 0 else limits.pids + _count_my_processes()

    def setup() -> None:
        if group:
            group.join()
        mb = 1024 * 1024
        resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_seconds, limits.cpu_seconds + 5))
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_size_mb * mb,) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if not group or len(group.dirs) < 2:  # no memory cgroup: bound the address space
            resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mb * 2,) * 2)
        if nproc is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))

    return setup


def _count_my_processes() -> int:
    uid = os.getuid()
    count = 0
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if entry.name.isdigit() and entry.stat().st_uid == uid:
                count += 1
    return count


def _kill_group(pid: int, group: cgroups.RunCgroup | None) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    if group:
        group.kill_all()


def _limit_from_signal(returncode: int, stderr: CappedBuffer) -> str | None:
    if returncode == -signal.SIGXCPU:
        return "cpu time"
    if returncode == -signal.SIGXFSZ:
        return "file size"
    if b"MemoryError" in b"".join(stderr.chunks)[-4096:]:
        return "memory"
    return None
