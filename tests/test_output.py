"""Capped output: the first `cap` bytes kept exactly, the rest counted, real pipes drained."""

from __future__ import annotations

import os

from sandbox.output import CappedBuffer, drain


def written(cap: int, *chunks: bytes) -> CappedBuffer:
    buffer = CappedBuffer(cap)
    for chunk in chunks:
        buffer.write(chunk)
    return buffer


def test_keeps_the_first_cap_bytes_across_writes() -> None:
    assert b"".join(written(5, b"abc", b"defg", b"hi").chunks) == b"abcde"


def test_counts_the_dropped_bytes() -> None:
    assert written(5, b"abc", b"defg", b"hi").dropped == 4


def test_output_under_the_cap_is_kept_whole_with_no_note() -> None:
    assert written(10, b"abc", b"def").text() == "abcdef"


def test_text_notes_the_drop() -> None:
    assert written(3, b"abcdef").text() == "abc\n[ratchet: 3 more bytes of output were dropped]\n"


def test_zero_cap_keeps_nothing_and_counts_everything() -> None:
    assert written(0, b"ab", b"c").text() == "\n[ratchet: 3 more bytes of output were dropped]\n"


def test_drain_reads_a_pipe_to_its_end() -> None:
    read_fd, write_fd = os.pipe()
    buffer = CappedBuffer(100_000)
    thread = drain(os.fdopen(read_fd, "rb"), buffer)
    with os.fdopen(write_fd, "wb") as writer:
        writer.write(b"x" * 250_000)  # several pipe buffers: blocks unless drain is reading
    thread.join(timeout=10)
    assert (buffer.kept, buffer.dropped) == (100_000, 150_000)
