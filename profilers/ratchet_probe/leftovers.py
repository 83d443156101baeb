"""The probe's last act: end every other process the run started, and say how many there were.

A process the candidate leaves behind could rewrite what the host reads once the measured
process has ended (callgrind's files) or hide work where no count sees it. So, as the very last
thing before the process exits (an atexit hook registered before any repo code is imported, so
it runs after every hook registered later), the probe looks for every other process of its uid
that is not one of its own ancestors, asks them to end (SIGTERM, so a child running under
valgrind still writes its counts), then kills what is left. The count goes out in the channel's
"exit" frame, the one frame allowed after the result; a run without it did not end the normal
way (os._exit, a crash), which the host treats as a tampered channel.
"""

from __future__ import annotations

import os
import signal
import time
from contextlib import suppress

_listdir, _getpid, _getuid, _kill, _sleep, _open = (
    os.listdir,
    os.getpid,
    os.getuid,
    os.kill,
    time.sleep,
    open,
)
GRACE = 5.0  # seconds for children under valgrind to write their counts
RUN_UID_ENV = "RATCHET_RUN_UID"  # set by a sandbox that gives the run a uid of its own


def run_uid() -> int | None:
    """The uid the sandbox gave this run alone, read when the channel opens (before repo code),
    or None: then nothing is ended, because other processes of this uid are not the run's (the
    probe run by hand, or a local sandbox that keeps the user's uid; that one's pid namespace
    ends them instead). Never root."""
    text = os.environ.get(RUN_UID_ENV, "")
    if not text.isdigit() or int(text) == 0 or int(text) != _getuid():
        return None
    return int(text)


def _status(pid: int) -> tuple[int, int] | None:
    """(parent pid, real uid) of a process, or None when it is gone."""
    try:
        with _open(f"/proc/{pid}/status") as handle:
            text = handle.read()
    except OSError:
        return None
    parent = uid = -1
    for line in text.splitlines():
        if line.startswith("PPid:"):
            parent = int(line.split()[1])
        elif line.startswith("Uid:"):
            uid = int(line.split()[1])
    return parent, uid


def _others(uid: int) -> list[int]:
    me = _getpid()
    keep, pid = {0, 1, me}, me
    while pid > 1:  # this process's ancestors: the sandbox's launcher, `timeout`
        found = _status(pid)
        if found is None:
            break
        pid = found[0]
        keep.add(pid)
    others = []
    for name in _listdir("/proc"):
        if name.isdigit() and int(name) not in keep:
            found = _status(int(name))
            if found is not None and found[1] == uid:
                others.append(int(name))
    return others


def end_others(uid: int | None) -> int:
    """End the run's other processes (those of `uid`, the run's own); how many there were."""
    if uid is None or uid == 0 or uid != _getuid():
        return 0
    try:
        found = _others(uid)
    except OSError:
        return 0
    for pid in found:
        with suppress(OSError):
            _kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + GRACE
    while time.monotonic() < deadline and any(_alive(pid) for pid in found):
        _sleep(0.02)
    for pid in found:
        with suppress(OSError):
            _kill(pid, signal.SIGKILL)
    return len(found)


def _alive(pid: int) -> bool:
    found = _status(pid)
    if found is None:
        return False
    try:
        with _open(f"/proc/{pid}/stat") as handle:
            return handle.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False
