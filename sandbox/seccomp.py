"""The syscall filter for local runs: a classic-BPF seccomp program, built here with `struct`.

bubblewrap loads it (`--seccomp FD`) just before it execs the command, so it binds everything the
run starts. It is a deny list, like Docker's and Flatpak's defaults: what it refuses is what
attacks the kernel or reaches past the namespaces, and nothing Python, pytest, py-spy or valgrind
need. Every other syscall is allowed.

    any syscall of another ABI (i386, x32)        ENOSYS: only the native table is checked
    clone3                                        ENOSYS: its flags sit behind a pointer, so
                                                  libc falls back to clone, whose flags we see
    clone with any CLONE_NEW* flag, unshare,      EPERM: no new namespaces, above all no user
    setns                                         namespace (which would hand back capabilities)
    mount and the new mount API, pivot_root,      EPERM
    chroot, open_by_handle_at, name_to_handle_at
    bpf, userfaultfd, io_uring_*, keyctl,         EPERM: large kernel attack surface
    add_key, request_key
    kernel modules, kexec, reboot, swap, acct,    EPERM: host administration
    clock and hostname setting, quotactl, ...
    socket() outside AF_UNIX, AF_INET, AF_INET6,  EAFNOSUPPORT: above all AF_VSOCK, which no
    AF_NETLINK                                    network namespace fences in (on a VM it
                                                  reaches the hypervisor's host)
    ioctl TIOCSTI, TIOCLINUX                      EPERM: typing into a terminal
    personality other than Docker's allowed set   EPERM

Arguments are compared on their low 32 bits, which is all the kernel reads of an int flag (a
64-bit compare of `ioctl`'s command could be dodged with high bits set).
Only x86_64 has a table here; elsewhere `program()` raises and the property is reported as not
held.

The Docker sandbox keeps Docker's own default profile and stacks this filter on top (the
kernel applies every filter a process has, the strictest answer wins): `launcher()` is a
stdlib-only Python prefix that loads it with prctl and then execs the command. It fails closed.
"""

from __future__ import annotations

import errno
import platform
import socket
import struct
from collections.abc import Iterable

AUDIT_ARCH_X86_64 = 0xC000003E
X32_BIT = 0x40000000

# x86_64 syscall numbers (arch/x86/entry/syscalls/syscall_64.tbl)
X86_64 = {
    "ioctl": 16,
    "socket": 41,
    "clone": 56,
    "syslog": 103,
    "uselib": 134,
    "personality": 135,
    "vhangup": 153,
    "pivot_root": 155,
    "_sysctl": 156,
    "chroot": 161,
    "acct": 163,
    "settimeofday": 164,
    "mount": 165,
    "umount2": 166,
    "swapon": 167,
    "swapoff": 168,
    "reboot": 169,
    "sethostname": 170,
    "setdomainname": 171,
    "iopl": 172,
    "ioperm": 173,
    "create_module": 174,
    "init_module": 175,
    "delete_module": 176,
    "get_kernel_syms": 177,
    "query_module": 178,
    "quotactl": 179,
    "nfsservctl": 180,
    "lookup_dcookie": 212,
    "clock_settime": 227,
    "kexec_load": 246,
    "add_key": 248,
    "request_key": 249,
    "keyctl": 250,
    "unshare": 272,
    "name_to_handle_at": 303,
    "open_by_handle_at": 304,
    "clock_adjtime": 305,
    "setns": 308,
    "finit_module": 313,
    "kexec_file_load": 320,
    "bpf": 321,
    "userfaultfd": 323,
    "io_uring_setup": 425,
    "io_uring_enter": 426,
    "io_uring_register": 427,
    "open_tree": 428,
    "move_mount": 429,
    "fsopen": 430,
    "fsconfig": 431,
    "fsmount": 432,
    "fspick": 433,
    "clone3": 435,
    "mount_setattr": 442,
    "quotactl_fd": 443,
}
ARGUMENT_CHECKED = ("ioctl", "socket", "clone", "personality", "clone3")
DENIED = tuple(name for name in X86_64 if name not in ARGUMENT_CHECKED)

CLONE_NEW_FLAGS = 0x7E020000  # NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET
SOCKET_FAMILIES = (socket.AF_UNIX, socket.AF_INET, socket.AF_INET6, 16)  # 16: AF_NETLINK
TIOCSTI, TIOCLINUX = 0x5412, 0x541C
PERSONALITIES = (0x0, 0x8, 0x20000, 0x20008, 0xFFFFFFFF)  # Docker's: query, LINUX32, UNAME26

# classic BPF
LD_W_ABS, JEQ, JSET, JGE, RET = 0x20, 0x15, 0x45, 0x35, 0x06
RET_ALLOW, RET_ERRNO = 0x7FFF0000, 0x00050000
NR, ARCH = 0, 4


def arg(index: int) -> int:
    """Offset of the low 32 bits of syscall argument `index` in struct seccomp_data."""
    return 16 + 8 * index


class Assembler:
    """Straight-line BPF with named jump targets, resolved to the 8-bit relative offsets."""

    def __init__(self) -> None:
        self.code: list[tuple[int, str | int, str | int, int]] = []
        self.labels: dict[str, int] = {}

    def label(self, name: str) -> None:
        self.labels[name] = len(self.code)

    def load(self, offset: int) -> None:
        self.code.append((LD_W_ABS, 0, 0, offset))

    def jump(self, op: int, k: int, true: str | int = 0, false: str | int = 0) -> None:
        self.code.append((op, true, false, k))

    def ret(self, value: int) -> None:
        self.code.append((RET, 0, 0, value))

    def bytes(self) -> bytes:
        out = b""
        for at, (op, true, false, k) in enumerate(self.code):
            out += struct.pack("<HBBI", op, self._offset(at, true), self._offset(at, false), k)
        return out

    def _offset(self, at: int, target: str | int) -> int:
        if isinstance(target, int):
            return target
        offset = self.labels[target] - at - 1
        if not 0 <= offset <= 255:
            raise ValueError(f"jump to {target} is out of reach ({offset})")
        return offset


def _any_of(asm: Assembler, values: Iterable[int], then: str) -> None:
    for value in values:
        asm.jump(JEQ, value, true=then)


def supported() -> str | None:
    """None when this machine's architecture has a syscall table here, else why not."""
    machine = platform.machine()
    if machine in ("x86_64", "AMD64"):
        return None
    return f"no seccomp syscall table for {machine} in Ratchet (only x86_64)"


LAUNCHER = r"""
import ctypes, os, sys
code = bytes.fromhex(sys.argv[1])
class Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_char_p)]
program = Program(len(code) // 8, code)
libc = ctypes.CDLL(None, use_errno=True)
# PR_SET_NO_NEW_PRIVS = 38, PR_SET_SECCOMP = 22, SECCOMP_MODE_FILTER = 2
if libc.prctl(38, 1, 0, 0, 0) != 0 or libc.prctl(22, 2, ctypes.byref(program), 0, 0) != 0:
    sys.exit("ratchet: the seccomp filter could not be loaded: " + os.strerror(ctypes.get_errno()))
try:
    os.execvp(sys.argv[2], sys.argv[2:])
except OSError as exc:
    sys.stderr.write(f"ratchet: cannot run {sys.argv[2]}: {exc.strerror}\n")
    sys.exit(127)
"""


def launcher(python: str = "python3") -> list[str]:
    """argv prefix that loads the filter in this process and then execs the rest of argv."""
    return [python, "-I", "-S", "-c", LAUNCHER, program().hex()]


def program() -> bytes:
    """The filter, as the bytes of a `struct sock_filter[]` for bwrap's --seccomp."""
    if why := supported():
        raise OSError(errno.ENOSYS, why)
    nr = X86_64
    asm = Assembler()
    asm.load(ARCH)
    asm.jump(JEQ, AUDIT_ARCH_X86_64, false="enosys")
    asm.load(NR)
    asm.jump(JGE, X32_BIT, true="enosys")
    asm.jump(JEQ, nr["clone3"], true="enosys")
    _any_of(asm, (nr[name] for name in DENIED), "eperm")
    asm.jump(JEQ, nr["socket"], true="socket")
    asm.jump(JEQ, nr["clone"], true="clone")
    asm.jump(JEQ, nr["ioctl"], true="ioctl")
    asm.jump(JEQ, nr["personality"], true="personality")
    asm.ret(RET_ALLOW)
    asm.label("socket")
    asm.load(arg(0))
    _any_of(asm, SOCKET_FAMILIES, "allow")
    asm.ret(RET_ERRNO | errno.EAFNOSUPPORT)
    asm.label("clone")
    asm.load(arg(0))
    asm.jump(JSET, CLONE_NEW_FLAGS, true="eperm", false="allow")
    asm.label("ioctl")
    asm.load(arg(1))
    _any_of(asm, (TIOCSTI, TIOCLINUX), "eperm")
    asm.ret(RET_ALLOW)
    asm.label("personality")
    asm.load(arg(0))
    _any_of(asm, PERSONALITIES, "allow")
    asm.label("eperm")
    asm.ret(RET_ERRNO | errno.EPERM)
    asm.label("allow")
    asm.ret(RET_ALLOW)
    asm.label("enosys")
    asm.ret(RET_ERRNO | errno.ENOSYS)
    return asm.bytes()
