"""Copying a repository into a sandbox without ever reading past its root.

A repo can hold symlinks (committed, or made by whoever prepared the folder). Copying one by
reading through it would hand the sandbox whatever it points at, a host file included, so:

- a symlink stays a symlink, with its target string unchanged;
- a symlink whose target leaves the repo (absolute, or relative with `..` climbing out, or
  resolving outside through other links) is refused, with one sentence naming every such link;
- a listed path reached through a symlinked folder is copied as that symlink, not through it;
- file contents are opened one folder at a time with O_NOFOLLOW beneath the repo's root, so
  a link swapped in after the check still cannot lead outside;
- anything that is not a regular file or a symlink (FIFOs, sockets, devices) is left out.

`plan_copy` checks and returns what to copy; `copy_tree` writes it into a folder (the local
sandbox) and `tar_tree` into a tar archive (the Docker sandbox).
"""

from __future__ import annotations

import contextlib
import io
import os
import posixpath
import stat
import tarfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import BadRepository


@dataclass(frozen=True)
class Entry:
    """One thing to copy: a regular file (`link` None) or a symlink to `link`."""

    name: str  # repo-relative, with `/`
    link: str | None = None
    executable: bool = False


@dataclass(frozen=True)
class CopyPlan:
    root: Path
    entries: tuple[Entry, ...]

    @property
    def links(self) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.link is not None)


def escapes(root: Path, name: str, target: str) -> bool:
    """Whether the symlink `name` -> `target` in the repo at `root` leads outside it."""
    if posixpath.isabs(target):
        return True
    lexical = posixpath.normpath(posixpath.join(posixpath.dirname(name), target))
    if lexical == ".." or lexical.startswith("../"):
        return True
    real = Path(os.path.realpath(root / name))
    return not real.is_relative_to(Path(os.path.realpath(root)))


def plan_copy(root: Path, files: Sequence[str]) -> CopyPlan:
    """What to copy of `files` (repo-relative) from `root`; BadRepository if a symlink leaves."""
    entries: dict[str, Entry] = {}
    refused: dict[str, str] = {}
    for name in files:
        parts = [p for p in name.split("/") if p not in ("", ".")]
        if not parts or ".." in parts or name.startswith("/"):
            raise BadRepository(f"{name!r} is not a path inside {root}; list only repo files.")
        entry = _entry(root, parts, refused)
        if entry is not None:
            entries.setdefault(entry.name, entry)
    if refused:
        shown = ", ".join(f"{name} -> {target}" for name, target in sorted(refused.items()))
        raise BadRepository(
            f"{root} has symlinks that point outside it ({shown}); Ratchet copies symlinks as "
            "they are and never follows one out of the repo, so remove them or list them in "
            ".gitignore."
        )
    return CopyPlan(root, tuple(entries.values()))


def _entry(root: Path, parts: list[str], refused: dict[str, str]) -> Entry | None:
    """The entry for the path `parts`: the file, the link itself, or the first symlinked folder
    on the way there (None when the path is missing or not a file or a link)."""
    for depth in range(1, len(parts) + 1):
        name = "/".join(parts[:depth])
        try:
            info = os.lstat(root / name)
        except OSError:
            return None
        if stat.S_ISLNK(info.st_mode):
            target = os.readlink(root / name)
            if escapes(root, name, target):
                refused[name] = target
                return None
            return Entry(name, link=target)
        if depth == len(parts):
            if not stat.S_ISREG(info.st_mode):
                return None
            return Entry(name, executable=bool(info.st_mode & stat.S_IXUSR))
        if not stat.S_ISDIR(info.st_mode):
            return None
    return None


@contextlib.contextmanager
def open_beneath(root: Path, name: str) -> Iterator[io.BufferedReader]:
    """`name` under `root` opened for reading, refusing a symlink at every step of the way."""
    *folders, leaf = name.split("/")
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(root, flags | os.O_DIRECTORY)
    try:
        for folder in folders:
            inner = os.open(folder, flags | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
        leaf_fd = os.open(leaf, flags | os.O_NONBLOCK, dir_fd=fd)
    finally:
        os.close(fd)
    with os.fdopen(leaf_fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{name} is not a regular file")
        yield handle


def read_entry(root: Path, entry: Entry) -> bytes:
    with open_beneath(root, entry.name) as handle:
        return handle.read()


def copy_tree(plan: CopyPlan, dest: Path) -> None:
    """Write the plan's files and symlinks under `dest` (which may exist)."""
    for entry in plan.entries:
        target = dest / entry.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if entry.link is not None:
            os.symlink(entry.link, target)
            continue
        target.write_bytes(read_entry(plan.root, entry))
        target.chmod(0o755 if entry.executable else 0o644)


def tar_tree(plan: CopyPlan, prefix: str, uid: int) -> bytes:
    """A tar of the plan under `prefix` (no leading `/`), every member owned by `uid`."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        made = {prefix}
        tar.addfile(_member(prefix, tarfile.DIRTYPE, 0o755, uid))
        for entry in plan.entries:
            path = f"{prefix}/{entry.name}"
            for parent in _parents(path, prefix):
                if parent not in made:
                    made.add(parent)
                    tar.addfile(_member(parent, tarfile.DIRTYPE, 0o755, uid))
            if entry.link is not None:
                info = _member(path, tarfile.SYMTYPE, 0o777, uid)
                info.linkname = entry.link
                tar.addfile(info)
                continue
            data = read_entry(plan.root, entry)
            info = _member(path, tarfile.REGTYPE, 0o755 if entry.executable else 0o644, uid)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _parents(path: str, prefix: str) -> list[str]:
    parts = path.split("/")
    inner = len(prefix.split("/"))
    return ["/".join(parts[:n]) for n in range(inner + 1, len(parts))]


def _member(name: str, kind: bytes, mode: int, uid: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.mode = mode
    info.uid = info.gid = uid
    return info
