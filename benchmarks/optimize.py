"""Candidates verified per minute, and where an optimize run's time goes, on the bundled example.

    .venv/bin/python benchmarks/optimize.py [--sandbox docker|local] [--jobs 1,2] [--json]

Part 1 (throughput): the Mid tier on wordfreq.text.ngrams, whose tests take well under a
second, with a local OpenAI-compatible server (tests/fake_llm.py) replaying 8 candidates in one
round: 2 correct and faster, 6 wrong in different ways (tests, behaviour, screen, apply, slower).
Each --jobs value gates all 8; candidates per minute counts gated candidates over the wall time
between the end of proposing and the decision. Goal from issue 6: 20 per minute.
Part 2 (a whole run): `ratchet optimize tasks/example` at the Low tier (the offline rules on
the two hottest functions), wall time split by graph node.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.gate import GateOptions
from agent.llm import LLMClient, Tier
from agent.optimize import OptimizeOptions, RunReport, optimize
from sandbox import Limits, make_sandbox
from tests.fake_llm import FakeLLM, Reply

EXAMPLE = Path(__file__).resolve().parents[1] / "tasks" / "example"
SIGNATURE = "def ngrams(words: Sequence[str], n: int) -> list[tuple[str, ...]]:\n"
CHECK = '    if n < 1:\n        raise ValueError(f"n-grams need n of at least 1, got n={n}")\n'
BODIES = {
    "comprehension": CHECK + "    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]\n",
    "zip": CHECK + "    return list(zip(*(words[i:] for i in range(n))))\n",
    "no check": "    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]\n",
    "lists": CHECK + "    return [words[i : i + n] for i in range(len(words) - n + 1)]\n",
    "off by one": CHECK + "    return [tuple(words[i : i + n]) for i in range(len(words) - n)]\n",
    "prints": CHECK + "    print(n)\n    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]\n",
    "exits": "    import sys\n    sys.exit(0)\n",
    "slower": CHECK + "    grams = []\n    for i in range(len(words) - n + 1):\n"
    "        grams.append(tuple(list(words[i : i + n])))\n    return list(grams)\n",
}  # fmt: skip
say = logging.getLogger("optimize.benchmark").info


def throughput(session: Any, jobs: int) -> RunReport:
    replies = [Reply(f"```python\n{SIGNATURE}{body}```\n") for body in BODIES.values()]
    with FakeLLM(*replies) as server:
        client = LLMClient(base_url=server.url, api_key="sk-bench", timeout=30)
        options = OptimizeOptions(functions=("wordfreq.text.ngrams",), jobs=jobs, runs=2)
        tier = Tier("mid", "bench-model", len(BODIES), 1, "medium")
        with client:
            return optimize(session, options, tier, client, progress=say)


def whole_run(session: Any) -> RunReport:
    options = OptimizeOptions(max_functions=2, runs=2, gate=GateOptions())
    return optimize(session, options, Tier("low", None, 0, 1, "small"), progress=say)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sandbox", choices=["docker", "local"], default="docker")
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    box = make_sandbox(args.sandbox, Path(tempfile.gettempdir()) / "ratchet-bench-cache",
                       Limits(timeout=600, memory_mb=2048, pids=256), None)  # fmt: skip
    results: dict[str, Any] = {"sandbox": args.sandbox, "throughput": {}}
    with box.prepare(EXAMPLE) as session:
        for jobs in (int(j) for j in args.jobs.split(",")):
            report = throughput(session, jobs)
            accepted = [
                j.proposed.origin for r in report.results for j in r.attempts if j.verdict.accepted
            ]
            results["throughput"][jobs] = {
                "gated": report.gated,
                "accepted": len(accepted),
                "gate_seconds": round(report.gate_wall, 1),
                "per_minute": round(report.per_minute, 1),
                "total_seconds": round(report.wall, 1),
            }
        run = whole_run(session)
    results["whole_run"] = {
        "seconds": round(run.wall, 1),
        "by_node": {k: round(v, 1) for k, v in sorted(run.seconds.items(), key=lambda kv: -kv[1])},
        "functions": [(r.function, r.status) for r in run.results],
    }
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(f"candidates verified per minute, {args.sandbox} sandbox (goal 20):")
    for jobs, row in results["throughput"].items():
        print(f"  --jobs {jobs}: {row['gated']} gated ({row['accepted']} accepted) in "
              f"{row['gate_seconds']}s of gating = {row['per_minute']}/min; whole run "
              f"{row['total_seconds']}s")  # fmt: skip
    whole = results["whole_run"]
    print(f"\nratchet optimize tasks/example (low budget, 2 functions): {whole['seconds']}s")
    for node, seconds in whole["by_node"].items():
        print(f"  {node:<14} {seconds:>7.1f}s  (summed over parallel runs)")
    for function, status in whole["functions"]:
        print(f"  {function}: {status}")


if __name__ == "__main__":
    main()
