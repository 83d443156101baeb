"""The Sandbox protocol: where untrusted code runs, and the values it hands back.

A `Sandbox` prepares a `Session` for one repository (dependencies installed, the repo copied in
once). A session hands out `Workspace`s: each one is a fresh copy of the prepared repo plus only
the files a candidate changed, so one candidate never sees another's edits. A workspace runs argv
lists and returns a `RunResult`, a small frozen value.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import ClassVar, Protocol

from .layout import Layout, read_layout

# The isolation properties a sandbox can claim. Tests run each property against every sandbox
# that claims it; `ratchet doctor` prints what the chosen sandbox claims and what it cannot.
NETWORK = "network"  # no connection leaves the sandbox
FILESYSTEM = "filesystem"  # writes outside the workspace never reach the host
SECRETS = "secrets"  # the host's environment never reaches sandboxed code
PROCESSES = "processes"  # a process-count limit holds (fork bombs end)
MEMORY = "memory"  # a memory limit holds
TIMEOUT = "timeout"  # a wall-clock limit kills the whole process tree
PROPERTIES = (NETWORK, FILESYSTEM, SECRETS, PROCESSES, MEMORY, TIMEOUT)


@dataclass(frozen=True)
class Limits:
    """Resource limits for every run in a workspace."""

    timeout: float = 900.0  # seconds of wall time per run
    memory_mb: int = 2048
    cpu_seconds: int = 1800
    pids: int = 256
    file_size_mb: int = 1024
    cpus: float = 2.0
    output_bytes: int = 8 * 1024 * 1024  # per stream; the rest is counted and dropped


@dataclass(frozen=True)
class RunResult:
    """What one sandboxed command did."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    duration: float
    timed_out: bool = False
    # The limit the run ran into, when one did: "memory", "processes", "cpu time", "file size",
    # or "timeout". A resource limit is named even when the timeout then ended the run.
    limit: str | None = None
    dropped_bytes: int = 0  # output past Limits.output_bytes, counted but not kept

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def describe(self) -> str:
        """One line for people: how the command ended."""
        if self.limit and self.timed_out and self.limit != "timeout":
            how = f"hit its {self.limit} limit and was killed at its timeout"
        elif self.limit:
            how = f"ended at its {self.limit} limit"
        else:
            how = f"exited {self.returncode}"
        return f"`{' '.join(self.argv)}` {how} after {self.duration:.1f}s"


@dataclass(frozen=True)
class PreparedRepo:
    """What a sandbox knows about the repository it prepared.

    `layout` (which files are tests, benchmarks and protected, what pytest collects) is read
    from `root` and `files` when the sandbox makes this value in `prepare`, once per session.
    """

    root: Path
    files: tuple[str, ...]  # repo-relative paths copied into the sandbox
    env_key: str  # hash of the dependency files and toolchain: the environment's cache key
    python: str = field(default="")  # the interpreter's version inside the sandbox
    layout: Layout = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "layout", read_layout(self.root, self.files))


def inside_path(path: str) -> str:
    """A workspace-relative path, normalised; ValueError if it would leave the workspace."""
    parts = [p for p in path.replace("\\", "/").split("/") if p not in ("", ".")]
    if not parts or ".." in parts or path.startswith("/"):
        raise ValueError(f"{path!r} is not a path inside the workspace")
    return "/".join(parts)


class Workspace(Protocol):
    """One fresh copy of the prepared repo, with a candidate's changes applied."""

    @property
    def root(self) -> str:
        """The workspace's path as seen by commands running inside it."""

    def run(
        self,
        argv: Sequence[str],
        *,
        timeout: float | None = None,
        env: Mapping[str, str] | None = None,
    ) -> RunResult: ...

    def read_file(self, path: str) -> bytes: ...

    def write_file(self, path: str, data: bytes) -> None: ...

    def close(self) -> None: ...

    def __enter__(self) -> Workspace: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class Session(Protocol):
    """A prepared repository from which fresh workspaces are cheap."""

    sandbox: ClassVar[str]  # the registry key of the sandbox that made it: docker, local
    repo: PreparedRepo
    limits: Limits  # of every run in its workspaces; a run's own timeout replaces the limit's

    def workspace(
        self, changes: Mapping[str, bytes] | None = None, *, profiling: bool = False
    ) -> Workspace: ...

    def close(self) -> None: ...

    def __enter__(self) -> Session: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


class Sandbox(Protocol):
    """A place to run a repository's code: `docker` or `local`."""

    name: str
    limits: Limits

    def guarantees(self) -> dict[str, str | None]:
        """Each isolation property mapped to None when it holds, or to why it does not."""

    def prepare(self, repo: Path) -> Session: ...
