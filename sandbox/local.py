"""LocalSandbox: subprocesses on this machine, fenced in by bubblewrap.

Each workspace is a fresh copy of the repo (symlinks kept as symlinks; any that leave the repo
are refused, see copy.py). Each run:
- sees only the system folders, a few /etc files, the interpreter and the workspace, in its
  own pid, network, IPC, UTS and cgroup namespaces (bwrap.py has the exact view);
- never runs as root: as root, Ratchet gives each workspace its own unprivileged uid and
  drops every capability before the command starts; otherwise the run keeps the user's uid;
- runs under a seccomp filter (seccomp.py);
- is bounded by a private pids and memory cgroup (root), or RLIMIT_NPROC, which binds a uid
  that is not root; plus rlimits for CPU time, file size and core dumps;
- gets an environment built from nothing (environ.py), and is killed as a whole at its timeout.

As root without a usable bubblewrap and setpriv the sandbox refuses to start rather than run
code as root. As another user without bubblewrap it falls back to `unshare -r --net` (network
only). `guarantees()` is the live probe of isolation.py, so it says what holds here.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import ClassVar

from . import bwrap, cgroups, isolation, seccomp
from .base import Limits, PreparedRepo, RunResult, inside_path
from .copy import CopyPlan, copy_tree, plan_copy
from .environ import RUN_UID_ENV, sandbox_env
from .errors import SandboxUnavailable
from .output import CappedBuffer, drain
from .processes import kill_group, limit_child, limit_from_signal
from .repo import check_repo, list_files, read_dependencies, require_tests
from .venvs import ensure_venv

log = logging.getLogger(__name__)
INSIDE = bwrap.INSIDE
PROBE_LIMITS = Limits(timeout=30, memory_mb=64, pids=24, cpu_seconds=30, output_bytes=1 << 20)


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


def fence_missing() -> str | None:
    """None when runs can be fenced here (bubblewrap, and setpriv when root), else why not."""
    if not bwrap_works():
        return "bubblewrap is not usable here (apt-get install bubblewrap)"
    if os.geteuid() == 0 and bwrap.setpriv_path() is None:
        return "setpriv is missing, so runs cannot drop root (apt-get install util-linux)"
    return None


def unshare_prefix() -> list[str] | None:
    """argv prefix that puts a command in a fresh network namespace, for users without bwrap."""
    prefix = ["unshare", "--user", "--map-root-user", "--net"]
    if os.geteuid() != 0 and shutil.which("unshare") and _works((*prefix, "true")):
        return prefix
    return None


@functools.cache
def probe_findings(python: str) -> tuple[isolation.Finding, ...]:
    """The live isolation probe of a local sandbox running `python`, once per process."""
    missing = fence_missing()
    if missing and os.geteuid() == 0:
        return tuple(isolation.Finding(p, False, "fence", missing) for p in isolation.PROPERTIES)
    with tempfile.TemporaryDirectory(prefix="ratchet-probe-repo-") as empty:
        repo = PreparedRepo(root=Path(empty), files=(), env_key="probe")
        venv = Path(python).absolute().parent.parent
        with LocalSession(repo, venv, PROBE_LIMITS, CopyPlan(Path(empty), ())) as session:
            return tuple(isolation.probe(session))


class LocalSandbox:
    name = "local"

    def __init__(
        self, cache_dir: Path, limits: Limits | None = None, python: str = sys.executable
    ) -> None:
        self.cache_dir = cache_dir
        self.limits = limits or Limits()
        self.python = python

    def findings(self) -> list[isolation.Finding]:
        return list(probe_findings(self.python))

    def guarantees(self) -> dict[str, str | None]:
        return isolation.as_guarantees(self.findings())

    def prepare(self, repo: Path) -> LocalSession:
        missing = fence_missing()
        if missing and os.geteuid() == 0:
            raise SandboxUnavailable(
                f"the local sandbox will not run code as root unfenced: {missing}; "
                "install it, or use --sandbox docker."
            )
        root = check_repo(repo)
        files = list_files(root)
        plan = plan_copy(root, files)  # before anything reads a file: refuse escaping links
        require_tests(root, files)
        deps = read_dependencies(root, files)
        key = deps.key(root, "local", os.path.realpath(self.python))
        venv = ensure_venv(self.cache_dir, key, self.python, deps, root, INSIDE)
        prepared = PreparedRepo(root=root, files=files, env_key=key)
        return LocalSession(prepared, venv, self.limits, plan)


class LocalSession:
    sandbox: ClassVar[str] = "local"

    def __init__(self, repo: PreparedRepo, venv: Path, limits: Limits, plan: CopyPlan) -> None:
        self.repo = repo
        self.venv = venv
        self.limits = limits
        self.fenced = fence_missing() is None
        self.unshare = None if self.fenced else unshare_prefix()
        self.readonly = bwrap.needed_roots(bwrap.interpreter_roots(str(venv / "bin" / "python3")))
        self.dir = Path(tempfile.mkdtemp(prefix="ratchet-local-"))
        self.base = self.dir / "base"
        self.base.mkdir()
        self.count = 0
        copy_tree(plan, self.base)

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
        root = os.geteuid() == 0
        self.uid = bwrap.allocate_uid() if root and session.fenced else None
        self.etc = session.dir / f"etc-{host.name}"
        self.etc.mkdir()
        for name, text in bwrap.etc_files(self.uid or os.getuid()).items():
            (self.etc / name).write_text(text)
        for tree in (self.host, self.home):
            self._own_tree(tree)

    @property
    def root(self) -> str:
        return INSIDE if self.session.fenced else str(self.host)

    def _own_tree(self, tree: Path) -> None:
        """Hand `tree` to the workspace's uid, so runs can write it (the host reads as root)."""
        if self.uid is None:
            return
        os.chown(tree, self.uid, self.uid)
        for here, dirs, files in os.walk(tree):
            for name in dirs + files:
                os.chown(os.path.join(here, name), self.uid, self.uid, follow_symlinks=False)

    def _path(self, path: str) -> Path:
        target = (self.host / inside_path(path)).resolve()
        if not target.is_relative_to(self.host.resolve()):  # a symlink pointing out
            raise ValueError(f"{path!r} points outside the workspace")
        return target

    def read_file(self, path: str) -> bytes:
        return self._path(path).read_bytes()

    def write_file(self, path: str, data: bytes) -> None:
        target = self._path(path)
        missing = [p for p in (target, *target.parents) if not p.exists()]
        target.parent.mkdir(parents=True, exist_ok=True)
        target.unlink(missing_ok=True)
        target.write_bytes(data)
        if self.uid is not None:
            for made in [target, *missing]:
                os.chown(made, self.uid, self.uid)

    def _argv(self, argv: Sequence[str], seccomp_fd: int | None) -> list[str]:
        if not self.session.fenced:
            return [*(self.session.unshare or []), *argv]
        fence = bwrap.Fence(
            workspace=self.host,
            home=self.home,
            etc=self.etc,
            readonly=self.session.readonly,
            uid=self.uid,
            setpriv=bwrap.setpriv_path() or "setpriv",
            tmp_bytes=self.session.limits.memory_mb * 1024 * 1024,
        )
        return fence.argv(argv, seccomp_fd)

    def run(
        self,
        argv: Sequence[str],
        *,
        timeout: float | None = None,
        env: Mapping[str, str] | None = None,
    ) -> RunResult:
        limits = self.session.limits
        timeout = timeout or limits.timeout
        home = bwrap.HOME if self.session.fenced else str(self.home)
        path = f"{self.session.venv / 'bin'}:/usr/local/bin:/usr/bin:/bin"
        fixed = {"PATH": path, "HOME": home, "TMPDIR": "/tmp"}
        if self.uid is not None:
            fixed[RUN_UID_ENV] = str(self.uid)
        child_env = sandbox_env(fixed, env)
        group = _cgroup(limits)
        stdout, stderr = CappedBuffer(limits.output_bytes), CappedBuffer(limits.output_bytes)
        start = time.monotonic()
        timed_out = False
        with _seccomp_pipe(self.session.fenced) as filter_fd:
            try:
                proc = subprocess.Popen(
                    self._argv(argv, filter_fd),
                    cwd=self.host,
                    env=child_env,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    start_new_session=True,
                    pass_fds=() if filter_fd is None else (filter_fd,),
                    preexec_fn=limit_child(limits, group, own_uid=self.uid is not None),
                )
            except BaseException:
                if group:
                    group.remove()
                raise
        try:
            assert proc.stdout and proc.stderr
            pumps = [drain(proc.stdout, stdout), drain(proc.stderr, stderr)]
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
            kill_group(proc.pid, group)
            returncode = proc.wait()
            for pump in pumps:
                pump.join(timeout=5)
            hit = (group.hit() if group else None) or ("timeout" if timed_out else None)
        finally:
            if group:
                group.remove()
        hit = hit or limit_from_signal(returncode, stderr)
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
        for tree in (self.host, self.home, self.etc):
            shutil.rmtree(tree, ignore_errors=True)

    def __enter__(self) -> LocalWorkspace:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


@contextlib.contextmanager
def _seccomp_pipe(fenced: bool) -> Iterator[int | None]:
    """The read end of a pipe holding the seccomp program, for bwrap --seccomp (None: none)."""
    if not fenced or seccomp.supported() is not None:
        yield None
        return
    read, write = os.pipe()
    try:
        try:
            os.write(write, seccomp.program())  # a few hundred bytes: inside a pipe's buffer
        finally:
            os.close(write)
        yield read
    finally:
        os.close(read)


def _cgroup(limits: Limits) -> cgroups.RunCgroup | None:
    if os.geteuid() != 0:
        return None
    try:
        return cgroups.RunCgroup.create(limits.pids, limits.memory_mb * 1024 * 1024)
    except OSError:
        return None
