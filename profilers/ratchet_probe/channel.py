"""The probe's side of the result channel: frames written as things happen, on a private
duplicate of the process's stdout, which the host reads after the run.

A frame is one line: `<<ratchet NONCE SEQ KIND PAYLOAD`, PAYLOAD an ascii() literal of plain data
(dicts, lists, str, int, bool, None). The nonce comes from the config file, which is deleted
before any repo code runs; the sequence numbers let the host see a frame that was forged, dropped
or sent twice. Nothing here is secret from code that digs through the probe's memory: the channel
makes forging a result an act the host can see (frames out of sequence, lines posing as frames
with another nonce, output after the last frame) instead of a file rewritten at exit, and the
host compares raw outputs itself (see profilers/channel.py and docs/SECURITY.md).

The primitives are taken when this module is imported, before the repo's code is: replacing
`os.write` or `json.dumps` later changes nothing here.
"""

from __future__ import annotations

import atexit
import os
from typing import Any

PREFIX = "<<ratchet"
_write, _dup, _ascii, _len = os.write, os.dup, ascii, len
_set_inheritable = os.set_inheritable


class Channel:
    __slots__ = ("_fd", "_nonce", "_seq")

    def __init__(self, nonce: str) -> None:
        self._fd = _dup(1)
        _set_inheritable(self._fd, False)  # child processes do not get it
        self._nonce = nonce
        self._seq = 0

    def send(self, kind: str, payload: Any) -> None:
        line = f"\n{PREFIX} {self._nonce} {self._seq} {kind} {_ascii(payload)}\n".encode()
        self._seq += 1
        view = memoryview(line)
        while _len(view):
            try:
                written = _write(self._fd, view)
            except InterruptedError:
                continue
            except OSError:
                return  # the host sees the gap in the sequence
            view = view[written:]


_channel: list[Channel] = []


def open_channel(nonce: str) -> Channel:
    """The process's channel, opened once (before any repo code runs), with the exit hook that
    sends its last frame registered first, so it runs after every hook registered later."""
    if not _channel:
        from .leftovers import end_others, run_uid

        uid = run_uid()
        _channel.append(Channel(nonce))
        _ender.append(lambda: end_others(uid))
        atexit.register(send_exit)
    return _channel[0]


_ender: list[Any] = []


def send_exit() -> None:
    """The last frame: how many other processes of the run were still alive (and are now ended)."""
    if _channel and _ender:
        channel, end_others = _channel[0], _ender[0]
        _channel.clear()  # once only: the script entries call it before os._exit
        channel.send("exit", {"leftovers": end_others()})


def send(kind: str, payload: Any) -> None:
    """A frame on the open channel (nothing when none was opened: the probe run by hand)."""
    if _channel:
        _channel[0].send(kind, payload)
