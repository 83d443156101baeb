"""How often `ratchet debug`'s Mid tier fixes the bug with a local model, on the debug tasks.

    .venv/bin/python benchmarks/debug_fix.py [--model FILE.gguf] [--only NAME,...]
        [--tasks DIR] [--rounds N] [--json FILE]

Each task of tasks/debug (or of another folder laid out the same way) is copied to a git repo
and run through `ratchet debug --budget mid --llm local --format json` as a user would, in the
local sandbox, with the real model served by llama.cpp. A fix counts as accepted only when the
gate accepted it (the failing tests pass, every other test still passes, no test file changed);
the row also says whether the fixed function's lines overlap the task's faulty lines (the model
fixed the planted bug rather than working around it elsewhere) and how the rounds went.
Prints a row per task, then rates by bug class and in all, and the wall time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.localize import task_repo  # noqa: E402
from tasks.debug import DebugTask, debug_tasks  # noqa: E402

MODELS = Path.home() / ".cache" / "ratchet" / "models"
DEFAULT_MODEL = MODELS / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"


def fix(task: DebugTask, model: Path, rounds: int, cache: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as scratch:
        repo = task_repo(task, Path(scratch))
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "agent", "debug", str(repo), "--sandbox", "local",
             "--budget", "mid", "--llm", "local", "--local-model", str(model),
             "--format", "json", "--top", "3", "--test-timeout", "3"],
            capture_output=True, text=True, cwd=ROOT, timeout=3600,
            env={**os.environ, "RATCHET_CACHE_DIR": str(cache),
                 "RATCHET_MID_ROUNDS": str(rounds)},
        )  # fmt: skip
        seconds = time.monotonic() - started
    row: dict[str, Any] = {"task": task.name, "class": task.bug_class, "seconds": seconds}
    if done.returncode not in (0, 1):
        return {**row, "verdict": "error", "error": done.stderr.strip()[-500:]}
    found = json.loads(done.stdout).get("fix") or {}
    attempts = found.get("attempts") or []
    return {
        **row,
        "verdict": found.get("verdict", "none"),
        "steps": [f"{a['status']}@{a['step']}" for a in attempts],
        "at_bug": found.get("verdict") == "accepted" and touches_bug(task, found.get("patch", "")),
        "patch": found.get("patch", ""),
    }


def touches_bug(task: DebugTask, patch: str) -> bool:
    """Whether the patch removes or replaces one of the task's faulty lines."""
    if f"+++ b/{task.file}" not in patch:
        return False
    line, changed = 0, set()
    for text in patch.splitlines():
        if text.startswith("@@"):
            line = int(text.split()[1].split(",")[0].lstrip("-"))
        elif text.startswith("-") and not text.startswith("---"):
            changed.add(line)
            line += 1
        elif not text.startswith("+"):
            line += 1
    return bool(changed & set(task.lines))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, default=DEFAULT_MODEL, help="a GGUF model file")
    parser.add_argument("--only", help="comma-separated task names")
    parser.add_argument("--tasks", type=Path, help="a folder of tasks (default: tasks/debug)")
    parser.add_argument("--rounds", type=int, default=2, help="LDB rounds per task")
    parser.add_argument("--json", type=Path, help="also write every row here")
    args = parser.parse_args()
    if not args.model.is_file():
        sys.exit(f"no model at {args.model}; `scripts/local-model.sh all` fetches the models")
    tasks = debug_tasks(args.tasks) if args.tasks else debug_tasks()
    if args.only:
        tasks = tuple(t for t in tasks if t.name in args.only.split(","))
    rows, started = [], time.monotonic()
    print(f"== {args.model.name}, {args.rounds} rounds", flush=True)
    with tempfile.TemporaryDirectory() as cache:
        for task in tasks:
            row = fix(task, args.model, args.rounds, Path(cache))
            rows.append(row)
            note = row.get("error", "").splitlines()[-1:] or [" ".join(row.get("steps", []))]
            print(f"{task.name:<14} {task.bug_class:<20} {row['verdict']:<9} "
                  f"{'at the bug' if row.get('at_bug') else '':<10} {row['seconds']:6.0f} s  "
                  f"{note[0]}", flush=True)  # fmt: skip
    print()
    by_class: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_class[row["class"]].append(row)
    print(f"{'class':<20} {'tasks':>5} {'fixed':>6}")
    for name, group in sorted(by_class.items()):
        print(f"{name:<20} {len(group):>5} {_rate(group):>6}")
    print(f"{'all':<20} {len(rows):>5} {_rate(rows):>6}   wall {time.monotonic() - started:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))


def _rate(rows: list[dict[str, Any]]) -> str:
    fixed = sum(1 for r in rows if r["verdict"] == "accepted")
    return f"{fixed}/{len(rows)}" if rows else "-"


if __name__ == "__main__":
    main()
