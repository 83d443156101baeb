"""Process-count and memory limits that hold for root: a private cgroup per run (v1 or v2).

RLIMIT_NPROC is not enforced for root, so the local sandbox puts each run in its own pids (and
memory) cgroup when it may create one. The child joins the group before it execs, so nothing it
starts can escape; at the end every process left in the group is killed and the group removed.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import time
import uuid
from pathlib import Path

V1_ROOT = Path("/sys/fs/cgroup")
PARENT = "ratchet"


def _v1_dir(controller: str) -> Path | None:
    path = V1_ROOT / controller
    return path if (path / "cgroup.procs").exists() and not _is_v2() else None


def _is_v2() -> bool:
    return (V1_ROOT / "cgroup.controllers").exists()


def available() -> str | None:
    """None when per-run cgroups can be made here, else why not."""
    try:
        group = RunCgroup.create(pids=8, memory_bytes=None)
    except OSError as exc:
        return f"cannot create a cgroup under {V1_ROOT} ({exc.strerror}); process limits need root"
    group.remove()
    return None


class RunCgroup:
    """One run's cgroups: pids always, memory when asked and available."""

    def __init__(self, dirs: list[Path]) -> None:
        self.dirs = dirs

    @classmethod
    def create(cls, pids: int, memory_bytes: int | None) -> RunCgroup:
        name = f"run-{uuid.uuid4().hex[:12]}"
        dirs: list[Path] = []
        if _is_v2():
            path = V1_ROOT / PARENT / name
            path.mkdir(parents=True)
            (path / "pids.max").write_text(str(pids))
            if memory_bytes and (path / "memory.max").exists():
                (path / "memory.max").write_text(str(memory_bytes))
            return cls([path])
        pids_root = _v1_dir("pids")
        if pids_root is None:
            raise OSError(2, "no pids cgroup controller", str(V1_ROOT))
        group = cls(dirs)
        try:
            pids_dir = pids_root / PARENT / name
            pids_dir.mkdir(parents=True)
            dirs.append(pids_dir)
            (pids_dir / "pids.max").write_text(str(pids))
            memory_root = _v1_dir("memory")
            if memory_bytes and memory_root is not None:
                memory_dir = memory_root / PARENT / name
                memory_dir.mkdir(parents=True)
                dirs.append(memory_dir)
                (memory_dir / "memory.limit_in_bytes").write_text(str(memory_bytes))
        except OSError:
            group.remove()
            raise
        return group

    def join(self) -> None:
        """Move the calling process into every group (call in the child, before exec)."""
        for path in self.dirs:
            (path / "cgroup.procs").write_text(str(os.getpid()))

    def pids(self) -> set[int]:
        found: set[int] = set()
        for path in self.dirs:
            with contextlib.suppress(OSError):
                found |= {int(p) for p in (path / "cgroup.procs").read_text().split()}
        return found

    def kill_all(self) -> None:
        """SIGKILL everything still in the group, until it is empty (a fork bomb races us)."""
        for _ in range(200):
            alive = self.pids()
            if not alive:
                return
            for pid in alive:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.01)

    def hit(self) -> str | None:
        """Which limit the group ran into: "processes", "memory", or None."""
        for path in self.dirs:
            if count_after(_read(path / "pids.events"), "max"):
                return "processes"
            # v1 keeps OOM kills in memory.oom_control, v2 in memory.events
            oom = _read(path / "memory.oom_control") + _read(path / "memory.events")
            if count_after(oom, "oom_kill"):
                return "memory"
        return None

    def remove(self) -> None:
        self.kill_all()
        for path in self.dirs:
            for _ in range(50):
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    time.sleep(0.02)


def _read(path: Path) -> str:
    try:
        return path.read_text()
    except OSError:
        return ""


def count_after(text: str, word: str) -> int:
    """The number after `word` in a cgroup "key value" file's text; 0 when absent."""
    words = text.split()
    for key, value in itertools.pairwise(words):
        if key == word and value.isdigit():
            return int(value)
    return 0
