"""The local sandbox's fence: the bubblewrap command line for one run, and the uid it runs as.

What a run sees (nothing else of the host exists for it):

    /usr, /bin, /sbin, /lib*      the system, read-only (symlinks where the host has symlinks)
    /etc/<a few files>            the dynamic linker's cache, time zone, alternatives, services;
                                  passwd, group, hosts and nsswitch.conf are written for the run
    the interpreter               the venv and the Python installation it points at, read-only,
                                  each at its own path (so a venv under /root shows only itself)
    /tmp                          a private tmpfs (and /dev/shm another); the workspace is bound
                                  at /tmp/ratchet/workspace and a scratch home at /tmp/home
    /proc, /dev                   of its own pid namespace; a minimal /dev

and its own pid, network (loopback only), IPC, UTS and cgroup namespaces.

Who it runs as: when Ratchet is root, bubblewrap sets up the mounts as root and then execs
`setpriv`, which becomes the run's own unprivileged uid (one per workspace), clears every
capability set including the bounding set, and sets no_new_privs, before the command starts.
A user namespace would not do here: made by root, it maps the sandbox's uid to host uid 0,
which still owns root's files and sockets. When Ratchet is not root, bubblewrap makes a user
namespace and the run keeps the user's own uid, without capabilities.
The seccomp filter (seccomp.py) is loaded last and binds everything the run starts.
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SandboxUnavailable

INSIDE = "/tmp/ratchet/workspace"  # where the workspace appears
HOME = "/tmp/home"
SYSTEM = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# /etc entries a Python test run reads; everything else in /etc stays out.
ETC = (
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "alternatives",
    "localtime",
    "timezone",
    "protocols",
    "services",
    "mime.types",
    "os-release",
    "host.conf",
    "gai.conf",
    "fonts",
)
# Per-workspace uids when Ratchet is root: far above any distribution's or systemd's ranges.
UID_BASE = 0x7A000000
UID_SPAN = 1 << 20


def allocate_uid() -> int:
    """An unused uid for one workspace's runs (root only): no account has it, no process."""
    import pwd

    while True:
        uid = UID_BASE + secrets.randbelow(UID_SPAN)
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid


@functools.cache
def interpreter_roots(python: str) -> tuple[str, ...]:
    """The folders the interpreter `python` runs from: its venv and its base installation.

    Asked of the interpreter with -I -S (no site, no .pth files: no repo code runs), plus the
    folder every symlink on the way to the real executable lives in.
    """
    ask = "import sys; print(sys.prefix); print(sys.base_prefix)"
    try:
        done = subprocess.run(
            [python, "-I", "-S", "-c", ask], capture_output=True, text=True, timeout=30, check=True
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise SandboxUnavailable(
            f"{python} could not say where it is installed ({exc}); remove its environment "
            "so that Ratchet builds it again."
        ) from exc
    roots = [line for line in done.stdout.splitlines() if line]
    venv = Path(python).absolute().parent.parent
    roots.append(str(venv))
    path = Path(python).absolute()
    for _ in range(40):  # each hop of a symlink chain (venv -> pyenv -> real binary)
        roots.append(str(path.parent.parent))
        if not path.is_symlink():
            break
        path = path.parent / os.readlink(path)
    return tuple(dict.fromkeys(os.path.realpath(r) for r in roots))


def needed_roots(paths: Iterable[str]) -> tuple[str, ...]:
    """`paths` less any under the system folders or under another of them, shortest first."""
    kept: list[str] = []
    for path in sorted({os.path.normpath(p) for p in paths}, key=len):
        if path == "/":
            raise ValueError(
                "the interpreter lives at /; give Ratchet a Python installed in a folder"
            )
        if any(_under(path, other) for other in (*SYSTEM, *kept)):
            continue
        kept.append(path)
    return tuple(kept)


def _under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def etc_files(uid: int) -> dict[str, str]:
    """The /etc files written for a run whose uid is `uid`."""
    return {
        "passwd": (
            "root:x:0:0:root:/root:/usr/sbin/nologin\n"
            f"ratchet:x:{uid}:{uid}:Ratchet sandbox:{HOME}:/bin/sh\n"
            "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
        ),
        "group": f"root:x:0:\nratchet:x:{uid}:\nnogroup:x:65534:\n",
        "hosts": "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n",
        "nsswitch.conf": "passwd: files\ngroup: files\nhosts: files\nservices: files\n",
    }


@dataclass(frozen=True)
class Fence:
    """Everything one run's bubblewrap command line is made of."""

    workspace: Path  # host folder, bound read-write at INSIDE
    home: Path  # host folder, bound read-write at HOME
    etc: Path  # host folder holding etc_files(), each bound read-only
    readonly: tuple[str, ...]  # interpreter roots, bound read-only at their own paths
    uid: int | None  # the uid to become (Ratchet is root), or None: stay who we are
    setpriv: str = "/usr/bin/setpriv"
    tmp_bytes: int = 1 << 30  # the size of the private /tmp
    system: tuple[tuple[str, str | None], ...] = field(default_factory=lambda: host_system())

    def argv(self, command: Sequence[str], seccomp_fd: int | None) -> list[str]:
        out = ["bwrap", *_namespaces(), "--die-with-parent"]
        for path, link in self.system:
            out += ["--symlink", link, path] if link else ["--ro-bind", path, path]
        out += ["--dir", "/etc"]
        out += [a for name in ETC for a in ("--ro-bind-try", f"/etc/{name}", f"/etc/{name}")]
        for name in sorted(os.listdir(self.etc)):
            out += ["--ro-bind", str(self.etc / name), f"/etc/{name}"]
        out += ["--proc", "/proc", "--dev", "/dev", "--perms", "1777", "--tmpfs", "/dev/shm"]
        out += ["--perms", "1777", "--size", str(self.tmp_bytes), "--tmpfs", "/tmp"]
        made = {"/", "/etc", "/tmp", "/dev", "/proc"}
        for root in self.readonly:
            out += [*_folders(root, made), "--ro-bind", root, root]
        out += [*_folders(INSIDE, made), "--bind", str(self.workspace), INSIDE]
        out += [*_folders(HOME, made), "--bind", str(self.home), HOME]
        out += ["--chdir", INSIDE]
        if seccomp_fd is not None:
            out += ["--seccomp", str(seccomp_fd)]
        if self.uid is None:
            return [*out, "--", *command]
        privileges = ["--cap-drop", "ALL"]
        privileges += [
            a for cap in ("SETUID", "SETGID", "SETPCAP") for a in ("--cap-add", f"CAP_{cap}")
        ]
        drop = [
            self.setpriv,
            f"--reuid={self.uid}",
            f"--regid={self.uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--ambient-caps=-all",
            "--bounding-set=-all",
            "--no-new-privs",
            "--",
        ]
        return [*out, *privileges, "--", *drop, *command]


def _namespaces() -> list[str]:
    return [
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--hostname",
        "sandbox",
        *([] if os.geteuid() == 0 else ["--unshare-user"]),
    ]


def _folders(path: str, made: set[str]) -> list[str]:
    """`--dir` for each missing ancestor of `path`, world-traversable (bubblewrap makes 0700)."""
    out: list[str] = []
    parts = path.strip("/").split("/")[:-1]
    for depth in range(1, len(parts) + 1):
        folder = "/" + "/".join(parts[:depth])
        if folder not in made:
            made.add(folder)
            out += ["--perms", "0755", "--dir", folder]
    return out


def host_system() -> tuple[tuple[str, str | None], ...]:
    """(path, symlink target or None) for each system folder this host has."""
    found: list[tuple[str, str | None]] = []
    for path in SYSTEM:
        if os.path.islink(path):
            found.append((path, os.readlink(path)))
        elif os.path.isdir(path):
            found.append((path, None))
    return tuple(found)


def setpriv_path() -> str | None:
    """setpriv (util-linux), if it lives where the sandbox can see it."""
    found = shutil.which("setpriv")
    if found and any(_under(os.path.realpath(found), s) for s in SYSTEM):
        return found
    return None
