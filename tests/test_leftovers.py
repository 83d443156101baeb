"""A process the run leaves behind is ended by the probe's last act and counted, in both
sandboxes, so it cannot rewrite what the host reads after the run (callgrind's files)."""

from __future__ import annotations

import textwrap

from profilers.channel import read_frames
from profilers.probe import probe_env, probe_files
from sandbox.base import Session

NONCE = "0123456789abcdef0123456789abcdef"

LEAVES_ONE_BEHIND = f"""\
import os, subprocess, sys, time
from ratchet_probe.channel import open_channel, send

open_channel({NONCE!r})
subprocess.Popen(
    ["sh", "-c", "sleep 2; echo forged > left-behind.txt"],
    start_new_session=True,
    stdout=subprocess.DEVNULL,
    stderr=subprocess.DEVNULL,
)
time.sleep(0.3)
send("result", {{"mode": "replay"}})
"""


def test_a_process_left_behind_is_ended_and_counted(session: Session) -> None:
    with session.workspace(probe_files()) as ws:
        done = ws.run(["python", "-c", textwrap.dedent(LEAVES_ONE_BEHIND)], env=probe_env(ws))
        frames = read_frames(done.stdout, NONCE)
        later = ws.run(["sh", "-c", "sleep 3; cat left-behind.txt 2>/dev/null || echo absent"])
    # the shell and its `sleep`
    assert (frames.problem, frames.exit) == (None, {"leftovers": 2}), done.stderr
    assert later.stdout.strip() == "absent"


def test_a_run_that_leaves_nothing_behind_counts_nothing(session: Session) -> None:
    code = f"from ratchet_probe.channel import open_channel, send\nopen_channel({NONCE!r})\n"
    with session.workspace(probe_files()) as ws:
        done = ws.run(["python", "-c", code + "send('result', {})\n"], env=probe_env(ws))
    assert read_frames(done.stdout, NONCE).exit == {"leftovers": 0}, done.stderr
