"""Reading a target repository from the outside: its files, its dependencies, its tests."""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import BadRepository
from .layout import find_test_modules
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

# What every sandboxed environment gets on top of the repo's own dependencies.
TOOLS = ("pytest>=7", "pytest-benchmark>=4", "py-spy>=0.3.14", "hypothesis>=6")


@dataclass(frozen=True)
class Dependencies:
    """What `pip install` needs for the repo's tests: requirement strings and requirement files."""

    requirements: tuple[str, ...]
    requirement_files: tuple[str, ...]  # repo-relative

    def key(self, root: Path, *salt: str) -> str:
        """A hash that changes exactly when what would be installed changes."""
        digest = hashlib.sha256()
        for part in (*salt, *TOOLS, *self.requirements):
            digest.update(part.encode() + b"\0")
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
    if not path.exists():
        raise BadRepository(f"{path} does not exist; pass the path of a Python repository.")
    if not path.is_dir():
        raise BadRepository(f"{path} is not a directory; pass the repository's root directory.")
    return path.resolve()


def list_files(root: Path) -> tuple[str, ...]:
    """Tracked and untracked-but-not-ignored files in a git work tree; otherwise a filtered walk."""
    listed = _git_files(root)
    if listed is None:
        listed = _walk_files(root)
    return tuple(sorted(f for f in listed if (root / f).is_file() and not f.endswith(".pyc")))


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


def _walk_files(root: Path) -> list[str]:
    found = []
    for here, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info")]
        rel = Path(here).relative_to(root)
        found += [str(rel / name) if str(rel) != "." else name for name in files]
    return found


def find_tests(files: tuple[str, ...]) -> list[str]:
    """The pytest test files among `files` (pytest's default naming); the layout's `tests`."""
    return find_test_modules(files)


def require_tests(root: Path, files: tuple[str, ...]) -> None:
    if not find_test_modules(files):
        raise BadRepository(
            f"no tests found in {root}: Ratchet needs a pytest suite "
            "(files named test_*.py or *_test.py) to prove its changes."
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
    return Dependencies(requirements=unique, requirement_files=requirement_files)
