"""How the rewrite engine does on real code: every function replaced by its own source.

    .venv/bin/python benchmarks/roundtrip.py [PACKAGE_OR_DIR ...] [--rendered] [--json]

Per package (an importable name, or a directory of .py files): modules, functions tried, zero-byte
round trips by qualified name and by line, rejections grouped by reason, and time per function
(index building included). Default: click, rich, docker, _pytest and tasks/example/wordfreq.
`--rendered` uses the libcst rendering of each def at column 0 (what Rewrite.source() produces)
instead of its text as written. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from agent.rewrite import Trial, round_trip

EXAMPLE = Path(__file__).parents[1] / "tasks/example/wordfreq"
DEFAULT = ["click", "rich", "docker", "_pytest", str(EXAMPLE)]


def package_root(name: str) -> Path:
    if Path(name).is_dir():
        return Path(name)
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{name} is neither a directory nor an installed package; install it")
    return Path(next(iter(spec.submodule_search_locations)))


def measure(root: Path, rendered: bool) -> dict[str, Any]:
    modules = sorted(root.rglob("*.py"))
    started = time.perf_counter()
    trials: list[Trial] = []
    functions = line_only = 0
    for number, path in enumerate(modules, 1):
        print(f"\r{root.name}: {number}/{len(modules)} modules", end="", file=sys.stderr)
        found = round_trip(path.read_bytes(), str(path), as_written=not rendered)
        named = {(t.qualname, t.line) for t in found if t.by == "name"}
        every = {(t.qualname, t.line) for t in found if t.qualname != "<module>"}
        functions, line_only = functions + len(every), line_only + len(every - named)
        trials += found
    print(file=sys.stderr)
    seconds = time.perf_counter() - started
    return {
        "package": root.name,
        "modules": len(modules),
        "functions": functions,
        "zero_by_name": sum(t.by == "name" and t.outcome == "zero" for t in trials),
        "zero_by_line": sum(t.by == "line" and t.outcome == "zero" for t in trials),
        "line_only": line_only,
        "rejected": dict(Counter(_group(t) for t in trials if t.outcome != "zero")),
        "ms_per_function": round(1000 * seconds / max(functions, 1), 2),
        "seconds": round(seconds, 2),
    }


def _group(trial: Trial) -> str:
    """A rejection's reason without its specifics, so like reasons count together."""
    if trial.outcome == "ambiguous":
        flavour = "conditional definitions" if "(under `" in trial.reason else "defined twice"
        return f"ambiguous by {trial.by}: {flavour}"
    if trial.outcome == "changed":
        return f"CHANGED BYTES by {trial.by}"
    return f"{trial.outcome} by {trial.by}: {trial.reason.split(':')[0]}"


def render(row: dict[str, Any]) -> str:
    lines = [
        f"{row['package']}: {row['modules']} modules, {row['functions']} functions, "
        f"{row['ms_per_function']} ms per function ({row['seconds']} s)",
        f"  zero-byte round trips: {row['zero_by_name']} by name, {row['zero_by_line']} by line "
        f"({row['line_only']} overload stubs tried by line only)",
    ]
    for reason, count in sorted(row["rejected"].items(), key=lambda item: -item[1]):
        lines.append(f"  {count:5d}  {reason}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="*", default=DEFAULT)
    parser.add_argument("--rendered", action="store_true", help="candidates rendered by libcst")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    args = parser.parse_args(argv)
    rows = [measure(package_root(name), args.rendered) for name in args.packages]
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print("\n".join(render(row) for row in rows))
        total = sum(row["functions"] for row in rows)
        changed = sum(n for row in rows for r, n in row["rejected"].items() if "CHANGED" in r)
        print(f"total: {total} functions, {changed} round trips changed bytes")
    return 1 if any("CHANGED" in r for row in rows for r in row["rejected"]) else 0


if __name__ == "__main__":
    sys.exit(main())
