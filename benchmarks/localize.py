"""How well `ratchet debug` (Low tier, no LLM) points at the bug, on the debug task suite.

    .venv/bin/python benchmarks/localize.py [--only NAME,...] [--tasks DIR] [--json FILE]

Each task of tasks/debug (or of another folder of tasks laid out the same way, such as a
held-out set) is copied to a temporary git repo and run through `ratchet debug --format json`
as a user would, in the local sandbox. The faulty block is the first ranked block of the
task's file and function that holds one of its faulty lines; the task counts for top-1 and
top-3 when that block is ranked that high. Prints a row per task, then the rates by bug
class and in all. Goal (issue 14): the faulty block within the top 3 for at least 70%.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tasks.debug import DebugTask, debug_tasks  # noqa: E402

TOP = 10  # blocks asked for: a bug ranked below this is "not found"


def task_repo(task: DebugTask, scratch: Path) -> Path:
    """The task as a user's git repo under `scratch`, without the files that give the bug away."""
    repo = scratch / task.name
    shutil.copytree(task.root, repo, ignore=shutil.ignore_patterns("fix.diff", "bug.toml"))
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "task"]):
        git = ["git", "-c", "user.name=b", "-c", "user.email=b@b", *argv]
        subprocess.run(git, cwd=repo, check=True)
    return repo


def localize(task: DebugTask, cache: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        repo = task_repo(task, Path(scratch))
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "agent", "debug", str(repo), "--sandbox", "local",
             "--format", "json", "--top", str(TOP), "--test-timeout", "3"],
            capture_output=True, text=True, cwd=ROOT, timeout=600,
            env={**os.environ, "RATCHET_CACHE_DIR": str(cache)},
        )  # fmt: skip
        seconds = time.monotonic() - started
    if done.returncode not in (0, 1):
        return {"task": task.name, "rank": None, "seconds": seconds, "error": done.stderr[-500:]}
    report = json.loads(done.stdout)
    return {"task": task.name, "rank": faulty_rank(task, report["blocks"]), "seconds": seconds}


def faulty_rank(task: DebugTask, blocks: list[dict[str, Any]]) -> int | None:
    function = task.function.rsplit(".<locals>.", 1)[-1]
    for block in blocks:
        if block["file"] != task.file or block["function"].rsplit(".<locals>.", 1)[-1] != function:
            continue
        if any(block["start_line"] <= line <= block["end_line"] for line in task.lines):
            return int(block["rank"])
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated task names")
    parser.add_argument("--tasks", type=Path, help="a folder of tasks (default: tasks/debug)")
    parser.add_argument("--json", type=Path, help="also write every row here")
    args = parser.parse_args()
    tasks = debug_tasks(args.tasks) if args.tasks else debug_tasks()
    if args.only:
        tasks = tuple(t for t in tasks if t.name in args.only.split(","))
    rows = []
    with tempfile.TemporaryDirectory() as cache:
        for task in tasks:
            row = localize(task, Path(cache))
            row["class"] = task.bug_class
            rows.append(row)
            shown = row["rank"] if row["rank"] is not None else "-"
            note = f"  ({row['error'].strip().splitlines()[-1]})" if row.get("error") else ""
            print(f"{task.name:<16} {task.bug_class:<22} rank {shown!s:>3} "
                  f"{row['seconds']:6.1f} s{note}", flush=True)  # fmt: skip
    print()
    by_class: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_class[row["class"]].append(row)
    print(f"{'class':<22} {'tasks':>5} {'top-1':>6} {'top-3':>6}")
    for name, group in sorted(by_class.items()):
        print(f"{name:<22} {len(group):>5} {_rate(group, 1):>6} {_rate(group, 3):>6}")
    print(f"{'all':<22} {len(rows):>5} {_rate(rows, 1):>6} {_rate(rows, 3):>6}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


def _rate(rows: list[dict[str, Any]], k: int) -> str:
    hits = sum(1 for r in rows if r["rank"] is not None and r["rank"] <= k)
    return f"{hits / len(rows):.0%}" if rows else "-"


if __name__ == "__main__":
    main()
