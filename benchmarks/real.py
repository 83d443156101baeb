"""Ratchet on the real-repository corpus, as a new user runs it: `profile`, then `optimize`.

    .venv/bin/python benchmarks/real.py [--sandbox docker|local] [--only sqlparse,inflection]
                                        [--max-functions 3] [--json FILE]

Every library of tasks/real/corpus.toml that ships tests (fetched first by
`scripts/real-repos.sh`) is copied into a scratch folder and put through the real CLI, one
process per command, exactly as a user types it: `ratchet profile DIR --measure 0 --top 1000`
then `ratchet optimize DIR --json-report R` (the Low tier: the offline rules; nothing written).
Each library's stderr is kept under --logs. Per library it prints the layout detected, the baseline suite's wall time, the functions the
profile ranked, the proposals made, the candidates gated, the accepted ones, and errors: a
nonzero exit, a traceback, or a target that ended in error. Then, per target that got a
proposal, what became of it and why.

The acceptance of issue 12: no library ends with a traceback, every baseline is taken (or a
named test is left out with a reason), and the offline tier proposes on at least three.
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
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sandbox.repo import import_roots, list_files  # noqa: E402
from tasks.real import Library, corpus_root, load_corpus  # noqa: E402

ENOUGH_LIBRARIES = 3  # the acceptance: proposals on at least this many


@dataclass
class Outcome:
    library: str
    layout: str = "?"
    baseline_seconds: float | None = None
    profiled: int = 0
    proposals: int = 0
    gated: int = 0
    accepted: int = 0
    errors: list[str] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)
    seconds: float = 0.0


def ratchet(*args: str) -> subprocess.CompletedProcess[str]:
    """The real CLI in its own process, from this checkout (not an installed copy)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "agent", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def layout_of(root: Path) -> str:
    files = list_files(root)
    if import_roots(files):
        return "src"
    packages = {f.split("/")[0] for f in files if f.endswith("/__init__.py") and "/" in f}
    return "flat" if packages else "module"


def failures(done: subprocess.CompletedProcess[str], what: str) -> list[str]:
    found = []
    if "Traceback (most recent call last)" in done.stderr:
        found.append(f"{what}: a traceback")
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or ["(nothing said)"]
        found.append(f"{what}: exit {done.returncode}: {last[0][:300]}")
    return found


def run_library(library: Library, source: Path, scratch: Path, args: argparse.Namespace) -> Outcome:
    outcome = Outcome(library.name)
    repo = scratch / library.folder
    shutil.copytree(source, repo)
    outcome.layout = layout_of(repo)
    started = time.perf_counter()
    box = ("--sandbox", args.sandbox)
    profiled = ratchet("profile", str(repo), *box, "--measure", "0", "--top", "1000",
                       "--format", "json")  # fmt: skip
    outcome.errors += failures(profiled, "profile")
    if profiled.returncode == 0:
        outcome.profiled = len(json.loads(profiled.stdout).get("hotspots", []))
    report = scratch / f"{library.name}.json"
    optimized = ratchet("optimize", str(repo), *box, "--max-functions", str(args.max_functions),
                        "--json-report", str(report), "--no-diff")  # fmt: skip
    outcome.errors += failures(optimized, "optimize")
    outcome.left_out = [line for line in optimized.stderr.splitlines() if "left out" in line]
    if report.exists():
        read_report(json.loads(report.read_text()), outcome)
    outcome.seconds = time.perf_counter() - started
    args.logs.mkdir(parents=True, exist_ok=True)
    (args.logs / f"{library.name}.log").write_text(profiled.stderr + optimized.stderr)
    return outcome


def read_report(report: dict[str, Any], outcome: Outcome) -> None:
    seconds = report.get("seconds", {})
    outcome.baseline_seconds = seconds.get("run_suite")
    for result in report.get("results", []):
        gated = result.get("candidates", 0)
        # the offline rules' proposals all reach the gate; an LLM's unreadable replies do not
        # and are not in the report, so for the Low tier proposals and gated are the same count
        outcome.proposals += gated
        outcome.gated += gated
        outcome.accepted += result["status"] == "accepted"
        if result["status"] == "error":
            outcome.errors.append(f"{result['function']}: {result['reason'][:300]}")
        if result["status"] != "skipped":
            outcome.targets.append(
                {k: result.get(k) for k in ("function", "status", "reason", "candidates")}
            )


def table(outcomes: list[Outcome]) -> str:
    head = ("library", "layout", "baseline s", "profiled", "proposals", "gated", "accepted",
            "errors", "wall s")  # fmt: skip
    rows = [head]
    for o in outcomes:
        base = f"{o.baseline_seconds:.1f}" if o.baseline_seconds is not None else "-"
        rows.append((o.library, o.layout, base, str(o.profiled), str(o.proposals), str(o.gated),
                     str(o.accepted), str(len(o.errors)), f"{o.seconds:.0f}"))  # fmt: skip
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in
                       enumerate(zip(row, widths, strict=True))) for row in rows]  # fmt: skip
    return "\n".join(lines)


def details(outcomes: list[Outcome]) -> str:
    lines = []
    for o in outcomes:
        for target in o.targets:
            lines.append(f"{o.library}: {target['function']}: {target['status']} "
                         f"({target['candidates']} gated): {target['reason']}")  # fmt: skip
        lines += [f"{o.library}: ERROR {e}" for e in o.errors]
        lines += [f"{o.library}: {line.removeprefix('ratchet: ')}" for line in o.left_out]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sandbox", default="local", choices=("docker", "local"))
    parser.add_argument("--only", default="", help="comma-separated library names")
    parser.add_argument("--max-functions", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write every outcome here")
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--logs", type=Path, default=Path(tempfile.gettempdir()) / "ratchet-real",
                        help="where each library's stderr is kept (default: %(default)s)")  # fmt: skip
    args = parser.parse_args()
    cache = args.cache_dir or Path(
        os.environ.get("RATCHET_CACHE_DIR", Path.home() / ".cache" / "ratchet")
    )
    wanted = {n for n in args.only.split(",") if n}
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="ratchet-real-") as scratch:
        for library in load_corpus():
            if not library.tests or (wanted and library.name not in wanted):
                continue
            source = corpus_root(cache) / library.folder
            if not source.is_dir():
                print(f"{library.name}: not fetched; run scripts/real-repos.sh", file=sys.stderr)
                return 2
            print(f"== {library.name} {library.version}", file=sys.stderr, flush=True)
            outcome = run_library(library, source, Path(scratch), args)
            print(f"   {outcome.proposals} proposal(s), {outcome.accepted} accepted, "
                  f"{len(outcome.errors)} error(s) in {outcome.seconds:.0f} s",
                  file=sys.stderr, flush=True)  # fmt: skip
            outcomes.append(outcome)
    print(table(outcomes))
    print()
    print(details(outcomes))
    proposing = [o.library for o in outcomes if o.proposals]
    clean = all(not o.errors for o in outcomes)
    print(f"\noffline proposals on {len(proposing)} of {len(outcomes)} libraries "
          f"({', '.join(proposing) or 'none'}); errors: {'none' if clean else 'see above'}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], indent=2))
    return 0 if clean and len(proposing) >= min(ENOUGH_LIBRARIES, len(outcomes)) else 1


if __name__ == "__main__":
    sys.exit(main())
