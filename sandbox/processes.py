"""A local run's process tree: the limits its first process sets before exec, and its end.

The child joins the run's cgroup and sets its rlimits between fork and exec, so nothing it
starts escapes them. RLIMIT_NPROC binds only a uid that is not root: it is the process limit
when no pids cgroup can be made, and then it counts only this workspace's own uid (or, for a
user who is not root, the user's processes, hence the count of those already running).
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
from collections.abc import Callable
from pathlib import Path

from . import cgroups
from .base import Limits
from .output import CappedBuffer


def limit_child(
    limits: Limits, group: cgroups.RunCgroup | None, own_uid: bool
) -> Callable[[], None]:
    """What the child does between fork and exec: join the cgroup, set rlimits.

    `own_uid`: the run becomes a uid of its own (so RLIMIT_NPROC counts it alone).
    """
    if os.geteuid() != 0:
        nproc: int | None = limits.pids + count_my_processes()
    else:
        nproc = limits.pids if own_uid and group is None else None

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


def count_my_processes() -> int:
    uid = os.getuid()
    count = 0
    for entry in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if entry.name.isdigit() and entry.stat().st_uid == uid:
                count += 1
    return count


def kill_group(pid: int, group: cgroups.RunCgroup | None) -> None:
    """SIGKILL the run's process group (bwrap, whose pid namespace then ends) and its cgroup."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    if group:
        group.kill_all()


def limit_from_signal(returncode: int, stderr: CappedBuffer) -> str | None:
    if returncode == -signal.SIGXCPU:
        return "cpu time"
    if returncode == -signal.SIGXFSZ:
        return "file size"
    if b"MemoryError" in b"".join(stderr.chunks)[-4096:]:
        return "memory"
    return None
