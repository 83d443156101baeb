"""The probe's result channel: frames read off a run's stdout on the host, checked for forgery;
and the probe's side of it in a real process whose code replaces what it can."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from profilers.channel import Frames, read_frames

NONCE = "5eed0f"
PROFILERS = Path(__file__).resolve().parents[1] / "profilers"


def frame(seq: int, kind: str, payload: object, nonce: str = NONCE) -> str:
    return f"\n<<ratchet {nonce} {seq} {kind} {payload!a}\n"


def forged(stdout: str) -> str:
    found = read_frames(stdout, NONCE)
    assert found.result is None and found.problem, found
    return found.problem


def test_a_good_sequence_reads_in_order_between_ordinary_output() -> None:
    stdout = (
        "collected 2 items\n"
        + frame(0, "call", {"i": 0, "o": ["int", "int", "0x1"]})
        + "hello\n"
        + frame(1, "call", {"i": 1, "o": None})
        + frame(2, "result", {"mode": "replay", "replayed": 2})
        + "done\n"
    )
    assert read_frames(stdout, NONCE) == Frames(
        (("call", {"i": 0, "o": ["int", "int", "0x1"]}), ("call", {"i": 1, "o": None})),
        {"mode": "replay", "replayed": 2},
    )


def test_frames_of_one_kind_keep_their_order() -> None:
    stdout = frame(0, "call", 1) + frame(1, "again", 9) + frame(2, "call", 2)
    assert read_frames(stdout, NONCE).of("call") == [1, 2]


def test_a_missing_result_is_no_result_and_no_problem() -> None:
    found = read_frames(frame(0, "call", {"i": 0}) + "Killed\n", NONCE)
    assert (found.result, found.problem, found.items) == (None, None, (("call", {"i": 0}),))


def test_a_result_of_none_still_counts_as_sent() -> None:
    assert read_frames(frame(0, "result", None), NONCE).result == {}


def test_text_that_only_starts_like_a_frame_is_ordinary_output() -> None:
    stdout = "<<ratchet\nsay <<ratchet 1 2 3\n" + frame(0, "result", {})
    assert read_frames(stdout, NONCE) == Frames((), {})


def test_a_line_with_another_nonce_is_forged() -> None:
    stdout = frame(0, "call", 1) + "<<ratchet 0000 1 result {}\n" + frame(1, "result", {})
    assert "poses as a frame" in forged(stdout)


def test_a_duplicated_frame_is_forged() -> None:
    stdout = frame(0, "call", 1) + frame(0, "call", 1) + frame(1, "result", {})
    assert "frame 0 came where frame 1 was due" in forged(stdout)


def test_a_gap_in_the_sequence_is_forged() -> None:
    stdout = frame(0, "call", 1) + frame(2, "result", {})
    assert "frame 2 came where frame 1 was due" in forged(stdout)


def test_a_frame_after_the_result_is_forged() -> None:
    stdout = frame(0, "result", {"mode": "replay"}) + frame(1, "call", {"i": 0})
    assert "after the probe's result" in forged(stdout)


@pytest.mark.parametrize("payload", ["__import__('os')", "{'a': len}", "[1, 2", "x"])
def test_a_payload_that_is_not_plain_data_is_forged_and_never_run(payload: str) -> None:
    stdout = f"<<ratchet {NONCE} 0 result {payload}\n"
    assert "frame 0 is not plain data" in forged(stdout)


def test_a_forged_channel_keeps_the_frames_before_the_damage() -> None:
    found = read_frames(frame(0, "call", 1) + frame(5, "result", {}), NONCE)
    assert found.items == (("call", 1),)


def test_a_forged_result_is_reported_as_tampering() -> None:
    assert forged(frame(1, "result", {})).startswith(
        "the probe's result channel was tampered with:"
    )


# -- the probe's side, in a real process --------------------------------------------------------


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(PROFILERS)}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


def test_frames_still_arrive_after_the_process_replaces_os_write_and_redirects_stdout() -> None:
    done = run_python(
        f"""\
        import os, sys
        from ratchet_probe.channel import open_channel, send

        open_channel({NONCE!r})
        send("call", {{"i": 0, "text": "line\\nbreak"}})
        print("ordinary output", flush=True)
        os.write = lambda fd, data: len(data)
        send("call", {{"i": 1}})
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        sys.stdout = open(os.devnull, "w")
        send("result", {{"mode": "replay"}})
        """
    )
    assert read_frames(done.stdout, NONCE) == Frames(
        (("call", {"i": 0, "text": "line\nbreak"}), ("call", {"i": 1})),
        {"mode": "replay"},
        exit={"leftovers": 0},  # the exit hook's last frame; no run uid here, so nothing ended
    )


def test_a_frame_the_process_prints_itself_is_caught() -> None:
    done = run_python(
        f"""\
        from ratchet_probe.channel import open_channel, send

        open_channel({NONCE!r})
        send("call", {{"i": 0}})
        print("<<ratchet 0000 1 result {{}}", flush=True)
        send("result", {{"mode": "replay"}})
        """
    )
    assert "poses as a frame" in forged(done.stdout)


def test_the_channel_is_not_inherited_by_child_processes() -> None:
    done = run_python(
        f"""\
        import os
        from ratchet_probe.channel import open_channel

        print(os.get_inheritable(open_channel({NONCE!r})._fd))
        """
    )
    assert done.stdout.strip().splitlines()[0] == "False"


def test_the_exit_frame_comes_last_and_a_second_one_is_forged() -> None:
    done = run_python(
        f"""\
        from ratchet_probe.channel import open_channel, send, send_exit

        open_channel({NONCE!r})
        send("result", {{"mode": "replay"}})
        send_exit()
        send_exit()  # once only
        """
    )
    frames = read_frames(done.stdout, NONCE)
    assert (frames.result, frames.exit, frames.problem) == (
        {"mode": "replay"},
        {"leftovers": 0},
        None,
    )
    doubled = done.stdout + f"\n<<ratchet {NONCE} 2 exit {{'leftovers': 0}}\n"
    assert "after the probe's result" in (read_frames(doubled, NONCE).problem or "")
