"""What the block tracer costs: each function of the bundled example, traced and not.

    .venv/bin/python benchmarks/tracer.py [--python PYTHON ...] [--repeat N] [--json FILE]

For every function of tasks/example/wordfreq that its pytest-benchmark workloads call, on the
same input: the median time of one call without any tracer, with the block tracer on that
function (every block's state noted), and with the tracer on but tracing another function
(the cost untraced code pays). Each interpreter runs in a subprocess of its own: sys.settrace
below 3.12, sys.monitoring from 3.12 on. Goal (issue 14): under 10x for the traced function,
no measurable cost for untraced code on 3.12+. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYENV = Path.home() / ".pyenv/versions"

INNER = r"""
import json, random, statistics, sys, time
from collections import Counter
sys.path[:0] = [sys.argv[1] + "/profilers", sys.argv[1] + "/tasks/example"]
from ratchet_probe.blocktrace import BlockTracer
from ratchet_probe.cfg import function_graphs
import wordfreq
from wordfreq import counting, filters, report, text

random.seed(7)
syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "the", "and", "of"]
words = [
    "".join(random.choice(syllables) for _ in range(random.randint(1, 3))) for _ in range(3000)
]
body = " ".join(w.capitalize() if i % 7 == 0 else w for i, w in enumerate(words)) + "!"
pairs = Counter(" ".join(p) for p in text.bigrams(words))
cases = {
    "count_words": (counting, (words,)),
    "top_words": (counting, (Counter(words), 20)),
    "remove_stopwords": (filters, (words,)),
    "unique_words": (filters, (words[:600],)),
    "format_report": (report, (pairs, "Bigrams", ["the ", "ka", "lo", "mi"])),
    "normalize": (text, (body,)),
    "tokenize": (text, (body,)),
    "ngrams": (text, (words, 3)),
}
graphs = {}
for module in (counting, filters, report, text):
    with open(module.__file__) as handle:
        graphs.update(function_graphs(handle.read(), module.__file__))
repeat = int(sys.argv[2])


def timed(function, args, graph):
    times = []
    for _ in range(repeat):
        tracer = BlockTracer([graph], max_calls=10**6) if graph else None
        if tracer:
            tracer.start()
        started = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - started)
        if tracer:
            tracer.stop()
    return statistics.median(times)


rows = []
for name, (module, args) in cases.items():
    function = getattr(module, name)
    plain = timed(function, args, None)
    traced = timed(function, args, graphs[name])
    other = graphs["summarize"]  # traced, but never called by these workloads
    untraced = timed(function, args, other)
    rows.append({"function": name, "plain_ms": plain * 1e3, "traced_ms": traced * 1e3,
                 "untraced_ms": untraced * 1e3})
print(json.dumps({"python": sys.version.split()[0], "rows": rows}))
"""


def pythons(given: list[str]) -> list[str]:
    if given:
        return given
    found = [sys.executable]
    for minor in ("3.12", "3.13"):
        found += [str(p) for p in sorted(PYENV.glob(f"{minor}.*/bin/python3"))[-1:]]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", action="append", default=[], help="an interpreter; repeatable")
    parser.add_argument("--repeat", type=int, default=15, help="timed calls per measurement")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    results = []
    for python in pythons(args.python):
        print(f"== {python}", file=sys.stderr)
        done = subprocess.run(
            [python, "-c", INNER, str(ROOT), str(args.repeat)], capture_output=True, text=True
        )
        if done.returncode:
            print(done.stderr[-2000:], file=sys.stderr)
            continue
        results.append(json.loads(done.stdout))
    header = f"{'python':<8} {'function':<18} {'plain ms':>9} {'traced':>8} {'untraced code':>14}"
    print(header)
    print("-" * len(header))
    for result in results:
        for row in result["rows"]:
            plain = row["plain_ms"]
            print(
                f"{result['python']:<8} {row['function']:<18} {plain:>9.3f} "
                f"{row['traced_ms'] / plain:>7.1f}x {row['untraced_ms'] / plain:>13.2f}x"
            )
    print("traced: one call with the block tracer on it, over the call without; untraced code:")
    print("the same call with the tracer on, tracing another function (goal: 1.00x on 3.12+)")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
