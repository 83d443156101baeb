"""The debug suite: small repositories, each with one planted bug and a test suite it breaks.

Every folder beside this file that holds a `bug.toml` is one task (README.md describes the
layout and the fields). `debug_tasks()` reads them all:

    from tasks.debug import debug_tasks
    for task in debug_tasks():
        print(task.name, task.bug_class, task.file, task.lines, task.failing)
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent

BUG_CLASSES = (
    "wrong-operator",
    "off-by-one",
    "wrong-variable",
    "missing-case",
    "wrong-initial-value",
    "wrong-return",
    "mutated-argument",
    "infinite-loop",  # the failing tests hang: bug.toml says `hangs = true`
    "exception-swallowed",
    "deep-call",  # the test calls a(), which calls b(), which calls the buggy c()
)


@dataclass(frozen=True)
class DebugTask:
    """One task: a repository under `root` whose `failing` tests fail because of one bug."""

    name: str
    root: Path
    bug_class: str
    file: str  # relative to root
    function: str  # the buggy function's qualified name, as its code object's co_qualname
    lines: tuple[int, ...]  # the faulty lines of `file`, 1-based
    failing: tuple[str, ...]  # pytest node ids, relative to root
    hangs: bool  # the failing tests never end (run them under a timeout)
    description: str

    @property
    def fix(self) -> Path:
        """The unified diff (`git apply`, or `patch -p1` in root) that fixes the bug."""
        return self.root / "fix.diff"


def load_task(folder: Path) -> DebugTask:
    """The task in folder, from its bug.toml; ValueError if a field is missing or wrong."""
    manifest = folder / "bug.toml"
    try:
        table = tomllib.loads(manifest.read_text(encoding="utf-8"))
        task = DebugTask(
            name=folder.name,
            root=folder,
            bug_class=str(table["class"]),
            file=str(table["file"]),
            function=str(table["function"]),
            lines=tuple(int(line) for line in table["lines"]),
            failing=tuple(str(node) for node in table["failing"]),
            hangs=bool(table.get("hangs", False)),
            description=str(table["description"]),
        )
    except (KeyError, TypeError, tomllib.TOMLDecodeError) as exc:
        raise ValueError(f"{manifest}: {exc!r}") from exc
    if task.bug_class not in BUG_CLASSES:
        raise ValueError(f"{manifest}: unknown class {task.bug_class!r}")
    if not task.lines or not task.failing:
        raise ValueError(f"{manifest}: `lines` and `failing` must not be empty")
    return task


def debug_tasks(root: Path | None = None) -> tuple[DebugTask, ...]:
    """Every task under root (this folder by default), sorted by name."""
    folder = ROOT if root is None else root
    return tuple(
        load_task(path.parent)
        for path in sorted(folder.glob("*/bug.toml"), key=lambda p: p.parent.name)
    )
