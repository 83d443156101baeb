"""Hardware instruction counters through perf_event_open: does this kernel offer them?"""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import struct

SYSCALL = {"x86_64": 298, "aarch64": 241, "ppc64le": 319, "s390x": 331}
PERF_TYPE_HARDWARE = 0
PERF_COUNT_HW_INSTRUCTIONS = 1
ATTR_SIZE = 128
# perf_event_attr flag bits: disabled(0), exclude_kernel(5), exclude_hv(6)
FLAGS = (1 << 0) | (1 << 5) | (1 << 6)


def _attr() -> bytes:
    # type, size, config, sample_period, sample_type, read_format, flag bits
    head = struct.pack(
        "=IIQQQQQ", PERF_TYPE_HARDWARE, ATTR_SIZE, PERF_COUNT_HW_INSTRUCTIONS, 0, 0, 0, FLAGS
    )
    return head + b"\0" * (ATTR_SIZE - len(head))


def probe() -> str | None:
    """None when user-space instruction counting works here, otherwise why it does not."""
    number = SYSCALL.get(platform.machine())
    if number is None:
        return f"perf_event_open is not wired up for {platform.machine()} in Ratchet"
    libc = ctypes.CDLL(None, use_errno=True)
    attr = ctypes.create_string_buffer(_attr(), ATTR_SIZE)
    fd = libc.syscall(number, attr, 0, -1, -1, 0)
    if fd >= 0:
        os.close(fd)
        return None
    code = ctypes.get_errno()
    if code in (errno.ENOENT, errno.EOPNOTSUPP, errno.ENODEV):
        return "this CPU or virtual machine exposes no hardware instruction counter"
    if code in (errno.EACCES, errno.EPERM):
        return "perf_event_paranoid forbids it (sysctl kernel.perf_event_paranoid=1 allows it)"
    return f"perf_event_open failed: {os.strerror(code)}"
