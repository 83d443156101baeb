"""How much the sandbox costs: environment builds (cold, cached) and each candidate's workspace.

    .venv/bin/python benchmarks/sandbox_overhead.py [--sandbox docker|local|both] [--candidates N]
                                                   [--repo PATH] [--json]

A cold build never touches the user's caches: Docker builds from a temporary copy of the repo with
a comment-only requirements file holding a nonce (a new dependency key, so a new env image, removed
at the end); local builds into a temporary cache directory. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import logging
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sandbox import Session, make_sandbox
from sandbox.repo import SKIP_DIRS

GOALS = {"docker": 1.0, "local": 0.15}  # seconds per candidate workspace, from the issue
# The docker SDK's low-level calls behind workspace(), run() and close(), timed per candidate.
API_CALLS = ["create_container", "inspect_container", "put_archive", "start", "exec_create"]
API_CALLS += ["exec_start", "exec_inspect", "remove_container"]
SUITE = ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
say = logging.getLogger("sandbox.benchmark").info  # progress, to stderr


def stats(values: list[float]) -> dict[str, float]:
    deciles = statistics.quantiles(values, n=10, method="inclusive") if values[1:] else values * 9
    mean, median = statistics.fmean(values), statistics.median(values)
    return {"mean": mean, "median": median, "p90": deciles[8], "max": max(values)}


def timed(f: Callable[..., Any], spent: list[float]) -> Callable[..., Any]:
    """`f`, adding its duration to `spent`; a streamed result counts until it is exhausted."""

    def drain(gen: Iterator[Any], start: float) -> Iterator[Any]:
        yield from gen
        spent.append(time.perf_counter() - start)

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        result = f(*args, **kwargs)
        if isinstance(result, Iterator):  # exec_start(stream=True): a CancellableStream
            return drain(result, start)
        spent.append(time.perf_counter() - start)
        return result

    return wrapper


def candidates(session: Session, n: int, out: dict[str, Any]) -> None:
    """n fresh workspaces, each with one changed source file, each running `true`."""
    tests = set(session.repo.layout.tests)
    sources = [f for f in session.repo.files if f.endswith(".py") and f not in tests]
    changed = min(sources, key=lambda f: (not f.endswith("__init__.py"), f))
    original = (session.repo.root / changed).read_bytes()
    api_time: dict[str, list[float]] = defaultdict(list)
    api = getattr(getattr(session, "client", None), "api", None)  # Docker sessions only
    for name in API_CALLS if api else ():
        setattr(api, name, timed(getattr(api, name), api_time[name]))
    laps: list[tuple[float, float, float, float]] = []  # total, open, run, close
    try:
        for i in range(n):
            t0 = time.perf_counter()
            with session.workspace({changed: original + f"\n# candidate {i}\n".encode()}) as ws:
                t1 = time.perf_counter()
                result = ws.run(["true"])
                t2 = time.perf_counter()
            t3 = time.perf_counter()
            laps.append((t3 - t0, t1 - t0, t2 - t1, t3 - t2))
            if not result.ok:
                raise SystemExit(f"`true` failed: {result.describe()}\n{result.stderr}")
    finally:
        for name in API_CALLS if api else ():
            delattr(api, name)  # the instance attribute goes, the class's method shows again
    total, opened, ran, closed = (list(column) for column in zip(*laps, strict=True))
    out["per_candidate_s"], out["first_candidate_s"] = stats(total), total[0]
    out["run_true_s"] = statistics.fmean(ran)
    out["open_s"], out["close_s"] = statistics.fmean(opened), statistics.fmean(closed)
    out["open_close_s"] = out["open_s"] + out["close_s"]
    out["docker_api_per_candidate"] = {
        name: {"ms": 1000 * sum(spent) / n, "calls": len(spent) / n}
        for name, spent in sorted(api_time.items(), key=lambda item: -sum(item[1]))
    }


def bench(name: str, repo: Path, n: int) -> dict[str, Any]:
    out: dict[str, Any] = {"sandbox": name, "candidates": n, "goal_s": GOALS[name]}
    with tempfile.TemporaryDirectory(prefix="ratchet-bench-") as tmp:
        sandbox, target = make_sandbox(name, Path(tmp) / "cache"), repo
        if name == "docker":  # a copy whose dependency key nobody has built yet
            target = Path(tmp) / "repo"
            shutil.copytree(repo, target, ignore=shutil.ignore_patterns(*SKIP_DIRS))
            nonce = f"# ratchet sandbox benchmark {uuid.uuid4().hex}\n"
            (target / "requirements-ratchet-bench.txt").write_text(nonce)
        try:
            say(f"[{name}] cold environment build (installs the tools; may take minutes)")
            start = time.perf_counter()
            with sandbox.prepare(target) as session:
                out["build_cold_s"] = time.perf_counter() - start
                out["env_key"] = session.repo.env_key
            say(f"[{name}] cached environment build")
            start = time.perf_counter()
            with sandbox.prepare(target) as session:
                out["build_cached_s"] = time.perf_counter() - start
                say(f"[{name}] {n} candidate workspaces")
                candidates(session, n, out)
                say(f"[{name}] the test suite once")
                with session.workspace() as ws:
                    suite = ws.run(SUITE)
                last = (suite.stdout.strip().splitlines() or [""])[-1]
                out["test_suite_s"] = suite.duration
                out["test_suite"] = f"exit {suite.returncode}: {last}"
        finally:
            if name == "docker" and "env_key" in out:
                import docker.errors

                with contextlib.suppress(docker.errors.ImageNotFound):
                    docker.from_env().images.remove(f"ratchet-env:{out['env_key']}", force=True)
    out["goal_met"] = out["per_candidate_s"]["mean"] < out["goal_s"]
    return out


ROWS = [  # (label, key, subkey or None)
    ("env build, cold", "build_cold_s", None),
    ("env build, cached", "build_cached_s", None),
    *((f"per candidate, {k}", "per_candidate_s", k) for k in ("mean", "median", "p90", "max")),
    ("  first candidate", "first_candidate_s", None),
    ("  run(['true']) alone, mean", "run_true_s", None),
    ("  workspace open+close, mean", "open_close_s", None),
    ("    open (workspace()), mean", "open_s", None),
    ("    close, mean", "close_s", None),
    ("test suite once (run duration)", "test_suite_s", None),
    ("  outcome", "test_suite", None),
    ("goal: mean per candidate under", "goal_s", None),
    ("  goal met", "goal_met", None),
]


def cell(value: object) -> str:
    if isinstance(value, bool):
        return "MET" if value else "NOT MET"
    return f"{value:.3f} s" if isinstance(value, float) else str(value)[:30]


def table(results: list[dict[str, Any]]) -> str:
    lines = [f"{'':<32}" + "".join(f"{r['sandbox']:>32}" for r in results)]
    lines.append("-" * len(lines[0]))
    for label, key, sub in ROWS:
        values = [r[key][sub] if sub else r[key] for r in results]
        lines.append(f"{label:<32}" + "".join(f"{cell(v):>32}" for v in values))
    for r in results:
        if r.get("docker_api_per_candidate"):
            lines += ["", f"{r['sandbox']}: docker SDK time per candidate (calls per candidate)"]
            for name, v in (calls := r["docker_api_per_candidate"]).items():
                lines.append(f"  {name:<20}{v['ms']:8.1f} ms  ({v['calls']:g})")
            rest = 1000 * r["per_candidate_s"]["mean"] - sum(v["ms"] for v in calls.values())
            lines.append(f"  {'outside those calls':<20}{rest:8.1f} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Measure the sandbox's overhead.")
    parser.add_argument("--sandbox", choices=("docker", "local", "both"), default="both")
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--repo", type=Path, default=Path(__file__).parents[1] / "tasks/example")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(format="%(message)s")  # the sandbox's own progress, to stderr
    logging.getLogger("sandbox").setLevel(logging.INFO)
    if args.candidates < 1:
        parser.error("--candidates must be at least 1")
    names = ("docker", "local") if args.sandbox == "both" else (args.sandbox,)
    results = [bench(name, args.repo.resolve(), args.candidates) for name in names]
    print(json.dumps(results, indent=2) if args.json else table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
