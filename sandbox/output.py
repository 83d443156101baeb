"""Reading a child's output without letting it exhaust memory."""

from __future__ import annotations

import threading
from typing import IO


class CappedBuffer:
    """Keeps the first `cap` bytes written and counts the rest."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.chunks: list[bytes] = []
        self.kept = 0
        self.dropped = 0

    def write(self, data: bytes) -> None:
        room = self.cap - self.kept
        if room > 0:
            self.chunks.append(data[:room])
            self.kept += min(room, len(data))
        self.dropped += max(0, len(data) - max(room, 0))

    def text(self) -> str:
        body = b"".join(self.chunks).decode("utf-8", "replace")
        if self.dropped:
            body += f"\n[ratchet: {self.dropped} more bytes of output were dropped]\n"
        return body


def drain(stream: IO[bytes], buffer: CappedBuffer) -> threading.Thread:
    """Read `stream` to its end on a daemon thread, into `buffer`."""

    def pump() -> None:
        with stream:
            while chunk := stream.read(65536):
                buffer.write(chunk)

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return thread
