"""Reading a target repository from the outside: its files, its dependencies, its tests."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BadRepository
from .layout import find_test_modules, is_test_path
from .metadata import Metadata, read_metadata
from .pyproject import read_pyproject, table

# Directories never copied when the repo is not a git work tree.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "__pycache__",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        "node_modules",
        "build",
        "dist",
        ".ratchet",
        ".benchmarks",
    }
)
TEST_EXTRAS = ("test", "tests", "testing", "dev")
# The most a sandbox copies; a repo beyond either is refused before anything is copied.
MAX_FILES = 20_000
MAX_BYTES = 512 * 2**20
READABLE = "pass a folder you can read, or fix its permissions"

# What every sandboxed environment gets on top of the repo's own dependencies.
TOOLS = ("pytest>=7", "pytest-benchmark>=4", "py-spy>=0.3.14", "hypothesis>=6")


@dataclass(frozen=True)
class Dependencies:
    """What `pip install` needs for the repo's tests: requirement strings and requirement files."""

    requirements: tuple[str, ...]
    requirement_files: tuple[str, ...]  # repo-relative
    import_roots: tuple[str, ...] = ()  # repo-relative folders on sys.path: ("src",) in src layout
    metadata: Metadata | None = None  # the project's own dist-info (sandbox/metadata.py)

    def key(self, root: Path, *salt: str) -> str:
        """A hash that changes exactly when what would be installed changes."""
        digest = hashlib.sha256()
        for part in (*salt, *TOOLS, *self.requirements, *(f"root:{r}" for r in self.import_roots)):
            digest.update(part.encode() + b"\0")
        if self.metadata is not None:
            digest.update(b"metadata:" + self.metadata.text.encode() + b"\0")
        for name in self.requirement_files:
            digest.update(name.encode() + b"\0" + (root / name).read_bytes() + b"\0")
        return digest.hexdigest()[:16]

    def pip_args(self) -> list[str]:
        args = [*TOOLS, *self.requirements]
        for name in self.requirement_files:
            args += ["-r", name]
        return args


def check_repo(path: Path) -> Path:
    """The repo's absolute path, or BadRepository saying what is wrong with it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise BadRepository(
            f"{path} does not exist; pass the path of a Python repository."
        ) from None
    except OSError as exc:
        raise BadRepository(
            f"{path} cannot be read ({str(exc.strerror).lower()}); {READABLE}."
        ) from exc
    if not stat.S_ISDIR(info.st_mode):
        raise BadRepository(f"{path} is not a directory; pass the repository's root directory.")
    root = path.resolve()
    if root == Path(root.anchor):
        raise BadRepository(
            f"{path} is the root of the filesystem, not a repository; pass the folder of the "
            "Python project to work on."
        )
    if not os.access(root, os.R_OK | os.X_OK):
        raise BadRepository(f"{path} cannot be read (permission denied); {READABLE}.")
    return root


def list_files(
    root: Path, max_files: int = MAX_FILES, max_bytes: int = MAX_BYTES
) -> tuple[str, ...]:
    """Tracked and untracked-but-not-ignored files in a git work tree; otherwise a filtered walk.

    What is listed is what a sandbox copies, so BadRepository refuses, before anything is
    copied, a repo with files that cannot be read, more than `max_files` files (the walk stops
    there), or more than `max_bytes` of them together."""
    listed = _git_files(root)
    in_git = listed is not None
    if listed is None:
        listed = _walk_files(root, max_files)
    if len(listed) > max_files:
        raise _too_large(root, f"more than {max_files:,} files {_counted(in_git)}", in_git)
    sizes = _readable_files(root, listed)
    if (total := sum(sizes.values())) > max_bytes:
        largest = max(sizes, key=sizes.__getitem__)
        raise _too_large(
            root,
            f"{_mib(total)} of files {_counted(in_git)}, more than {_mib(max_bytes)}; the "
            f"largest is {largest}, {_mib(sizes[largest])}",
            in_git,
        )
    return tuple(sorted(sizes))


def _readable_files(root: Path, listed: list[str]) -> dict[str, int]:
    """The regular files (or links to one) among `listed`, with their sizes; BadRepository
    naming any that cannot be opened. A link is not opened: the copy takes it as a link."""
    sizes: dict[str, int] = {}
    unreadable: list[str] = []
    for name in listed:
        if name.endswith(".pyc"):
            continue
        path = root / name
        try:
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                info = os.stat(path)
            elif stat.S_ISREG(info.st_mode):
                os.close(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW))
        except PermissionError:
            unreadable.append(name)
            continue
        except OSError:  # gone, a dangling or looping link, a name the system refuses
            continue
        if stat.S_ISREG(info.st_mode):
            sizes[name] = info.st_size
    if unreadable:
        shown = ", ".join(sorted(unreadable)[:3])
        more = f" and {len(unreadable) - 3} more" if len(unreadable) > 3 else ""
        raise BadRepository(
            f"{root} has files Ratchet cannot read ({shown}{more}: permission denied); make "
            "them readable, or list them in .gitignore."
        )
    return sizes


def _counted(in_git: bool) -> str:
    return "not ignored by git" if in_git else "outside .git, virtual environments and caches"


def _too_large(root: Path, what: str, in_git: bool) -> BadRepository:
    ignore = "" if in_git else "make it a git repository and "
    return BadRepository(
        f"{root} is too large to copy into a sandbox ({what}); pass the folder of the project "
        f"itself, or {ignore}list the large folders in .gitignore."
    )


def _mib(size: int) -> str:
    return f"{size / 2**20:,.0f} MiB"


def _git_files(root: Path) -> list[str] | None:
    try:
        out = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ],
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return [name for name in out.decode("utf-8", "surrogateescape").split("\0") if name]


def _walk_files(root: Path, limit: int) -> list[str]:
    """The files under `root` outside SKIP_DIRS, stopping once there are more than `limit`
    (of files, or of folders); BadRepository naming the folders that cannot be read."""
    found: list[str] = []
    unreadable: list[str] = []
    walk = os.walk(root, onerror=lambda exc: unreadable.append(exc.filename))
    for folders, (here, dirs, files) in enumerate(walk, start=1):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info")]
        rel = Path(here).relative_to(root)
        found += [str(rel / name) if str(rel) != "." else name for name in files]
        if folders > limit:
            raise _too_large(root, f"more than {limit:,} folders {_counted(False)}", False)
        if len(found) > limit:
            break
    if unreadable:
        shown = ", ".join(str(Path(f).relative_to(root)) for f in sorted(unreadable)[:3])
        raise BadRepository(
            f"{root} has folders Ratchet cannot read ({shown}: permission denied); make them "
            "readable, or move them out of the repository."
        )
    return found


def find_tests(files: tuple[str, ...]) -> list[str]:
    """The pytest test files among `files` (pytest's default naming); the layout's `tests`."""
    return find_test_modules(files)


def require_tests(root: Path, files: tuple[str, ...]) -> None:
    if not find_test_modules(files):
        raise BadRepository(
            f"no tests found in {root}: Ratchet needs a pytest suite "
            "(files named test_*.py or *_test.py) to prove its changes; pass the project's "
            "root folder (the one with its tests), or add tests first."
        )


def _group(groups: dict[str, Any], name: str, seen: set[str]) -> list[str]:
    """A PEP 735 dependency group's requirements, with {include-group = ...} expanded."""
    if name in seen:
        raise BadRepository(f"dependency group {name!r} includes itself; fix pyproject.toml.")
    found: list[str] = []
    for entry in groups.get(name, []):
        if isinstance(entry, str):
            found.append(entry)
        elif isinstance(entry, dict) and "include-group" in entry:
            found += _group(groups, entry["include-group"], seen | {name})
    return found


def read_dependencies(root: Path, files: tuple[str, ...]) -> Dependencies:
    """Declared dependencies: pyproject's [project] and test extras, and requirements files."""
    data = read_pyproject(root)
    project = table(data, "project")
    requirements: list[str] = list(project.get("dependencies", []))
    extras, groups = table(project, "optional-dependencies"), table(data, "dependency-groups")
    for name in TEST_EXTRAS:
        requirements += extras.get(name, [])
        requirements += _group(groups, name, set())
    requirement_files = tuple(
        f for f in files if "/" not in f and "requirements" in f and f.endswith(".txt")
    )
    unique = tuple(dict.fromkeys(requirements))
    return Dependencies(unique, requirement_files, import_roots(files), read_metadata(root, files))


def import_roots(files: Sequence[str]) -> tuple[str, ...]:
    """The folders besides the repo's root that its code is imported from: `src` in the src
    layout (Python code under src/, outside its test folders). The environment puts them on
    sys.path with a .pth file naming the workspace's copy, so the candidate's code is what
    runs, never an installed copy of the original."""
    src = [f for f in files if f.startswith("src/") and f.endswith(".py")]
    return ("src",) if any(not is_test_path(f) for f in src) else ()


def pth_line(workspace: str, roots: Sequence[str]) -> str:
    """The contents of the environment's ratchet-repo.pth for a workspace at `workspace`."""
    return "".join(f"{workspace}/{root}\n" for root in roots)
