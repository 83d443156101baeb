"""What the gate costs per candidate, split by step, on the bundled example.

    .venv/bin/python benchmarks/gate.py [--sandbox docker|local] [--repeat 3] [--runs 2] [--json]

Takes one baseline of wordfreq.filters.unique_words (timed, split into its parts), then gates
three candidates `--repeat` times each and prints the median seconds of every step:
  rejected-by-tests   a set loses first-appearance order: the tests that call it fail
  rejected-behaviour  a leftover print: the tests pass, replay sees the output
  accepted            list(dict.fromkeys(words)): every step, measured K=--runs times
Goals from issue 5: a rejected-by-tests candidate under 2 s, a full accept under 15 s.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from agent.gate import Context, GateOptions, check_candidate, find_target, take_baseline
from agent.gate.baseline import run_baseline_suite
from profilers.counter import prepare_counter
from profilers.measure import Meter
from sandbox import Limits, make_sandbox

EXAMPLE = Path(__file__).resolve().parents[1] / "tasks" / "example"
FUNCTION = "wordfreq.filters.unique_words"
SIGNATURE = "def unique_words(words: Iterable[str]) -> list[str]:\n"
CANDIDATES = {
    "rejected-by-tests": SIGNATURE + "    return list(set(words))\n",
    "rejected-behaviour": SIGNATURE
    + "    kept = list(dict.fromkeys(words))\n    print(len(kept), 'words')\n    return kept\n",
    "accepted": SIGNATURE + "    return list(dict.fromkeys(words))\n",
}
GOALS = {"rejected-by-tests": 2.0, "accepted": 15.0}
say = logging.getLogger("gate.benchmark").info


def timed(call: Any) -> tuple[Any, float]:
    started = time.monotonic()
    value = call()
    return value, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sandbox", choices=["docker", "local"], default="docker")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--runs", type=int, default=2, help="measured runs per side (K)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    limits = Limits(timeout=600, memory_mb=2048, pids=256)
    cache = Path(tempfile.gettempdir()) / "ratchet-bench-cache"
    box = make_sandbox(args.sandbox, cache, limits, None)
    options = GateOptions()
    with box.prepare(EXAMPLE) as session:
        meter, setup = timed(
            lambda: Meter(session, prepare_counter(session, "callgrind"), runs=args.runs)
        )
        repo = session.repo
        target = find_target(repo.root, repo.files, FUNCTION)
        paths = repo.layout.collect
        suite, suite_s = timed(lambda: run_baseline_suite(session, paths))
        baseline, baseline_s = timed(
            lambda: take_baseline(session, meter, target, options, suite=suite)
        )
        ctx = Context(session, meter, baseline, options)
        table: dict[str, dict[str, float]] = {}
        for name, text in CANDIDATES.items():
            runs = []
            for attempt in range(1, args.repeat + 1):
                verdict, total = timed(lambda t=text: check_candidate(ctx, t))
                say(f"{name} #{attempt}: {verdict.status} at {verdict.step} in {total:.2f}s")
                runs.append({**verdict.seconds, "total": total})
            table[name] = {k: statistics.median(r.get(k, 0.0) for r in runs) for k in runs[0]}
    report = {
        "sandbox": args.sandbox,
        "counter": meter.counter,
        "runs": args.runs,
        "setup_seconds": {
            "meter": round(setup, 2),
            "suite": round(suite_s, 2),
            "baseline": round(baseline_s, 2),
        },
        "candidates": {n: {k: round(v, 3) for k, v in t.items()} for n, t in table.items()},
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return
    steps = ["apply", "screen", "import", "tests", "suite", "behaviour", "generated", "efficiency"]
    print(f"gate cost on {FUNCTION}, {args.sandbox} sandbox, {meter.counter} K={args.runs}")
    print(f"setup: meter {setup:.1f}s, baseline suite {suite_s:.1f}s, target baseline "
          f"{baseline_s:.1f}s (record + measure)")  # fmt: skip
    print(f"{'candidate':<20}" + "".join(f"{s:>11}" for s in steps) + f"{'total':>9}  goal")
    for name, row in table.items():
        cells = "".join(f"{row[s]:>11.2f}" if s in row else f"{'-':>11}" for s in steps)
        goal = GOALS.get(name)
        met = "" if goal is None else f"{'met' if row['total'] < goal else 'MISSED'} (<{goal:g}s)"
        print(f"{name:<20}{cells}{row['total']:>9.2f}  {met}")


if __name__ == "__main__":
    main()
