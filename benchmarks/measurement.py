"""How well Ratchet measures (DESIGN.md "Measurement rules"): determinism, resolving power, cost.

    .venv/bin/python benchmarks/measurement.py [--sandbox docker|local] [--pairs 20] [--json]

1. determinism: busy.work (a 1000-iteration loop in a synthetic git repo) measured in five separate
   runs, and wordfreq.text.normalize on its benchmark in three: counts identical or within 0.1%.
2. resolving power: with K=3, planted variants removing 1%, 3% and 10% of the loop are accepted,
   and --pairs A/A pairs of unchanged code never are.
3. overhead on tasks/example: the plain suite, under py-spy (rates 100 and 500; goal under 5%), and
   a measured session of the whole suite (warm-up pass + measured pass) under each counter that can
   run (goal for callgrind: under 10x the plain suite). Timings are medians of 3 run durations.
Progress goes to stderr; the temporary repo, cache and sessions are removed at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from profilers import pyspy
from profilers.compare import compare
from profilers.counter import COUNTERS, MeasurementError, prepare_counter
from profilers.measure import Meter
from sandbox import Session, make_sandbox

BUSY = """\
def work(n):
    total = 0
    for i in range(n):
        total += i * i % 7
    return total
"""
BUSY_TEST = "from busy import work\n\n\ndef test_work():\n    assert work(1000) >= 0\n"
SPIN = ["test_busy.py::test_work"]
EXAMPLE = Path(__file__).parents[1] / "tasks/example"
NORMALIZE = "wordfreq.text.normalize"
TARGETS = [NORMALIZE, "wordfreq.text.tokenize", "wordfreq.text.ngrams", "wordfreq.summarize"]
TARGETS += ["wordfreq.counting.count_words", "wordfreq.counting.top_words"]
TARGETS += ["wordfreq.filters.remove_stopwords", "wordfreq.filters.unique_words"]
TARGETS += ["wordfreq.report.format_report", "wordfreq.report.summarize"]
SUITE = ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
REMOVED, RATES, REPEATS = (0.01, 0.03, 0.10), (100, 500), 3
say = logging.getLogger("ratchet.benchmark").info  # progress, to stderr


def variant(iterations: int) -> dict[str, bytes]:
    """busy.work doing `iterations` instead of n iterations: a planted change of known size."""
    return {"busy.py": BUSY.replace("range(n)", f"range({iterations})").encode()}


def busy_repo(root: Path) -> Path:
    root.mkdir()
    (root / "busy.py").write_text(BUSY)
    (root / "test_busy.py").write_text(BUSY_TEST)
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "initial"]):
        git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@localhost", *argv]
        subprocess.run(git, cwd=root, check=True)
    return root


def spread(values: Sequence[float]) -> float:
    return (max(values) - min(values)) / statistics.median(values)


def counts(meter: Meter, target: str, workload: Sequence[str], changes: Any = None) -> list[int]:
    return [c.value for c in meter.measure(target, workload, changes).counts]


def determinism(busy: Session, example: Session) -> dict[str, Any]:
    meter = Meter(busy, prepare_counter(busy), runs=1)
    say(f"[1] busy.work x5 under {meter.counter}")
    work = [counts(meter, "busy.work", SPIN)[0] for _ in range(5)]
    ex = Meter(example, prepare_counter(example, meter.counter), runs=1)
    paths = example.repo.layout.collect
    workload = ex.callers([NORMALIZE], paths)[NORMALIZE].workload
    say(f"[1] {NORMALIZE} x3 on {' '.join(workload)}")
    norm = [counts(ex, NORMALIZE, workload)[0] for _ in range(3)]
    return {
        "counter": meter.counter,
        "impl": meter.impl,
        "busy_counts": work,
        "busy_spread": spread(work),
        "example_workload": list(workload),
        "example_counts": norm,
        "example_spread": spread(norm),
        "goal_met": spread(work) < 0.001 and spread(norm) < 0.001,
    }


def resolving(busy: Session, pairs: int) -> dict[str, Any]:
    meter = Meter(busy, prepare_counter(busy), runs=3)
    say(f"[2] baseline and {len(REMOVED)} planted variants, K=3, under {meter.counter}")
    base, planted = counts(meter, "busy.work", SPIN, variant(1000)), []
    for removed in REMOVED:
        cand = counts(meter, "busy.work", SPIN, variant(round(1000 * (1 - removed))))
        planted.append((removed, cand, compare(base, cand)))
    aa = []
    for i in range(pairs):
        say(f"[2] A/A pair {i + 1}/{pairs}")
        aa.append(compare(counts(meter, "busy.work", SPIN), counts(meter, "busy.work", SPIN)))
    accepted = sum(c.accepted for c in aa)
    return {
        "counter": meter.counter,
        "baseline": base,
        "planted": [
            {"removed": r, "candidate": cand, "gain": c.gain, "threshold": c.threshold}
            | {"decision": c.decided_by, "reason": c.reason}
            for r, cand, c in planted
        ],
        "pairs": pairs,
        "aa_accepted": accepted,
        "aa_decisions": sorted({c.decided_by for c in aa}),
        "aa_largest_spread": max((c.spread for c in aa), default=0.0),
        "goal_met": all(c.accepted for _, _, c in planted) and not accepted,
    }


def timed_suite(example: Session, rate: int = 0) -> tuple[float, str]:
    """One run of the plain suite (py-spy at `rate` when not 0): (run seconds, pytest's summary)."""
    with example.workspace(profiling=True) as ws:
        run = pyspy.record(ws, SUITE, rate=rate).result if rate else ws.run(SUITE)
    if not run.ok:
        raise SystemExit(f"the suite failed: {run.describe()}\n{run.stdout[-2000:]}")
    return run.duration, (run.stdout.strip().splitlines() or [""])[-1]


def overhead(example: Session) -> dict[str, Any]:
    times: dict[int, list[float]] = {rate: [] for rate in (0, *RATES)}  # rate 0: no py-spy
    for i in range(REPEATS):  # interleaved, so drift hits every variant alike
        say(f"[3] plain suite and py-spy at {RATES}, repeat {i + 1}/{REPEATS}")
        for rate, runs in times.items():
            seconds, summary = timed_suite(example, rate)
            runs.append(seconds)
    base = statistics.median(times[0])
    out: dict[str, Any] = {"plain_s": base, "plain_runs_s": times[0], "suite": summary}
    out["pyspy"] = {
        rate: {"median_s": statistics.median(runs), "runs_s": runs}
        | {"overhead_pct": (statistics.median(runs) / base - 1) * 100}
        for rate, runs in times.items()
        if rate
    }
    for row in out["pyspy"].values():
        row["goal_met"] = row["overhead_pct"] < 5
    meters: dict[str, Meter] = {}
    out["counters"] = {}
    for name in COUNTERS:
        try:
            meters[name] = Meter(example, prepare_counter(example, name), runs=1)
        except MeasurementError as exc:
            out["counters"][name] = {"available": False, "why": str(exc)}
    found = next(iter(meters.values())).callers(TARGETS)  # testpaths: the plain suite's tests
    workload = sorted({test for c in found.values() for test in c.tests})
    out["workload_tests"] = len(workload)
    for name, meter in meters.items():
        runs, walls = [], []
        for i in range(REPEATS):
            say(f"[3] measured session under {name}, {len(workload)} tests, {i + 1}/{REPEATS}")
            start = time.perf_counter()
            runs.append(meter.measure(NORMALIZE, workload).seconds)
            walls.append(time.perf_counter() - start)
        slowdown = statistics.median(runs) / base
        out["counters"][name] = {
            "available": True,
            "impl": meter.impl,
            "median_s": statistics.median(runs),
            "runs_s": runs,
            "wall_s": statistics.median(walls),
            "slowdown": slowdown,
            "slowdown_per_pass": slowdown / 2,  # warm-up pass + measured pass
        } | ({"goal_met": slowdown < 10} if name == "callgrind" else {})
    checks = [row.get("goal_met") for row in (*out["pyspy"].values(), *out["counters"].values())]
    out["goal_met"] = all(c for c in checks if c is not None)
    return out


def met(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def report(r: dict[str, Any]) -> str:
    d, p, o = r["determinism"], r["resolving"], r["overhead"]
    aa = f"{p['aa_accepted']} of {p['pairs']} accepted ({', '.join(p['aa_decisions'])})"
    lines = [
        f"sandbox {r['sandbox']}, {r['seconds']:.0f} s in all\n",
        f"1. Determinism ({d['counter']}, {d['impl']}); goal: identical or spread < 0.1%",
        f"   busy.work x5: {d['busy_counts']}  spread {d['busy_spread']:.6%}",
        f"   {NORMALIZE} on {', '.join(d['example_workload'])} x3:",
        f"     {d['example_counts']}  spread {d['example_spread']:.6%}",
        f"   goal {met(d['goal_met'])}\n",
        f"2. Resolving power ({p['counter']}, K=3); goal: -1%, -3%, -10% accepted, no A/A pair",
        f"   baseline {p['baseline']}",
        *(
            f"   -{x['removed']:.0%}: {x['candidate']} gain {x['gain']:.3%} threshold "
            f"{x['threshold']:.3%} -> {x['decision']}\n     {x['reason']}"
            for x in p["planted"]
        ),
        f"   A/A: {aa}; largest spread {p['aa_largest_spread']:.6%}",
        f"   goal {met(p['goal_met'])}\n",
        f"3. Overhead on tasks/example (median of {REPEATS} run durations)",
        f"   plain suite: {o['plain_s']:.2f} s ({o['suite']}); runs "
        + ", ".join(f"{t:.2f}" for t in o["plain_runs_s"]),
        *(
            f"   py-spy rate {rate}: {s['median_s']:.2f} s, overhead {s['overhead_pct']:+.1f}% "
            f"({s['median_s'] - o['plain_s']:+.2f} s); goal < 5%: {met(s['goal_met'])}"
            for rate, s in o["pyspy"].items()
        ),
        f"   measured session: {o['workload_tests']} tests, 2 passes (warm-up + measured)",
    ]
    for name, c in o["counters"].items():
        if not c["available"]:
            lines.append(f"   {name}: not available: {c['why']}")
            continue
        lines.append(
            f"   {name} ({c['impl']}): {c['median_s']:.2f} s run, {c['wall_s']:.2f} s wall"
        )
        lines.append(f"     slowdown {c['slowdown']:.2f}x, per pass {c['slowdown_per_pass']:.2f}x")
        if "goal_met" in c:
            lines.append(f"     goal < 10x for the session: {met(c['goal_met'])}")
    return "\n".join([*lines, f"   goal {met(o['goal_met'])}"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure Ratchet's measurements.")
    parser.add_argument("--sandbox", choices=("docker", "local"), default="docker")
    parser.add_argument("--pairs", type=int, default=20, help="A/A pairs (default 20)")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(format="%(message)s")
    for name in ("sandbox", "ratchet.benchmark"):
        logging.getLogger(name).setLevel(logging.INFO)
    start = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="ratchet-measure-") as tmp,
        contextlib.ExitStack() as stack,
    ):
        sandbox = make_sandbox(args.sandbox, Path(tmp) / "cache")
        busy = stack.enter_context(sandbox.prepare(busy_repo(Path(tmp) / "busy")))
        example = stack.enter_context(sandbox.prepare(EXAMPLE.resolve()))
        result: dict[str, Any] = {"sandbox": args.sandbox}
        result["determinism"] = determinism(busy, example)
        result["resolving"] = resolving(busy, args.pairs)
        result["overhead"] = overhead(example)
    result["seconds"] = time.perf_counter() - start
    print(json.dumps(result, indent=2) if args.json else report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
