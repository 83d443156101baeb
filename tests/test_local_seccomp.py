"""The seccomp program, run through a small classic-BPF interpreter: what it answers per syscall.

The live side (the kernel loads it, a run sees Seccomp: 2, vsock and user namespaces refused)
is in test_local_isolation.py; the Docker sandbox's stacking of it in test_isolation.py's probe.
"""

from __future__ import annotations

import errno
import struct

import pytest

from sandbox import seccomp
from sandbox.seccomp import AUDIT_ARCH_X86_64, RET_ALLOW, RET_ERRNO, X86_64

pytestmark = pytest.mark.skipif(seccomp.supported() is not None, reason="x86_64 table only")

ALLOW, EPERM = RET_ALLOW, RET_ERRNO | errno.EPERM
ENOSYS, EAFNOSUPPORT = RET_ERRNO | errno.ENOSYS, RET_ERRNO | errno.EAFNOSUPPORT
READ, OPENAT, SOCKETPAIR, PTRACE, PERF = 0, 257, 53, 101, 298


def run(nr: int, *args: int, arch: int = AUDIT_ARCH_X86_64) -> int:
    """What the filter returns for a syscall: a tiny interpreter of the opcodes it uses."""
    data = struct.pack("<iIQ6Q", nr, arch, 0, *(list(args) + [0] * 6)[:6])
    code = seccomp.program()
    pc, acc = 0, 0
    while True:
        op, jt, jf, k = struct.unpack_from("<HBBI", code, pc * 8)
        pc += 1
        if op == seccomp.RET:
            return k
        if op == seccomp.LD_W_ABS:
            acc = struct.unpack_from("<I", data, k)[0]
            continue
        taken = {
            seccomp.JEQ: acc == k,
            seccomp.JGE: acc >= k,
            seccomp.JSET: bool(acc & k),
        }[op]
        pc += jt if taken else jf


@pytest.mark.parametrize("nr", [READ, OPENAT, SOCKETPAIR, PTRACE, PERF])
def test_what_python_and_the_profilers_need_is_allowed(nr: int) -> None:
    assert run(nr) == ALLOW


@pytest.mark.parametrize("family", [1, 2, 10, 16])  # AF_UNIX, AF_INET, AF_INET6, AF_NETLINK
def test_ordinary_socket_families_are_allowed(family: int) -> None:
    assert run(X86_64["socket"], family, 1) == ALLOW


@pytest.mark.parametrize("family", [40, 38, 17, 44])  # AF_VSOCK, AF_ALG, AF_PACKET, AF_XDP
def test_other_socket_families_are_refused(family: int) -> None:
    assert run(X86_64["socket"], family, 1) == EAFNOSUPPORT


def test_high_bits_do_not_smuggle_a_family_past_the_check() -> None:
    assert run(X86_64["socket"], (1 << 32) | 40, 1) == EAFNOSUPPORT


def test_clone_for_a_thread_or_a_process_is_allowed() -> None:
    assert run(X86_64["clone"], 0x3D0F00) == ALLOW  # CLONE_VM|FS|FILES|SIGHAND|THREAD|...
    assert run(X86_64["clone"], 17) == ALLOW  # SIGCHLD: fork


@pytest.mark.parametrize("flag", [0x10000000, 0x20000, 0x40000000, 0x20000000])
def test_clone_into_a_new_namespace_is_refused(flag: int) -> None:
    assert run(X86_64["clone"], flag | 17) == EPERM


def test_clone3_is_sent_back_to_clone() -> None:
    assert run(X86_64["clone3"]) == ENOSYS


@pytest.mark.parametrize(
    "name",
    [
        "unshare",
        "setns",
        "mount",
        "bpf",
        "userfaultfd",
        "io_uring_setup",
        "keyctl",
        "open_by_handle_at",
        "kexec_load",
        "init_module",
        "pivot_root",
        "fsopen",
    ],
)
def test_escape_and_attack_surface_syscalls_are_refused(name: str) -> None:
    assert run(X86_64[name]) == EPERM


@pytest.mark.parametrize("cmd", [0x5412, 0x541C, (1 << 32) | 0x5412])
def test_typing_into_a_terminal_is_refused(cmd: int) -> None:
    assert run(X86_64["ioctl"], 1, cmd) == EPERM


def test_other_ioctls_are_allowed() -> None:
    assert run(X86_64["ioctl"], 1, 0x5401) == ALLOW  # TCGETS


def test_personality_only_in_dockers_set() -> None:
    assert (run(X86_64["personality"], 0xFFFFFFFF), run(X86_64["personality"], 0x0400000)) == (
        ALLOW,
        EPERM,
    )


def test_other_abis_are_refused_whole() -> None:
    assert run(READ, arch=0x40000003) == ENOSYS  # i386
    assert run(0x40000000 | READ) == ENOSYS  # x32
