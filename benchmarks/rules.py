"""How often each offline rule fires, and what its candidates do to instruction counts.

    .venv/bin/python benchmarks/rules.py [--sandbox docker|local] [--packages click,rich,docker]
                                         [--corpus] [--no-measure] [--json] [--list]

Part 1 runs the Low-tier proposer over every function of the bundled example and of real
pure-Python packages: installed next to Ratchet (any importable package name works, stdlib ones
like json or email too), given as a folder or a .py file, or with `--corpus` every library of
the real-repository corpus (tasks/real/corpus.toml) as `scripts/real-repos.sh` unpacked it into
${RATCHET_CACHE_DIR:-~/.cache/ratchet}/real-repos/ (its tests left out). It counts the functions
each rule fired on and the functions with at least one proposal; `--list` names them.
Part 2 measures each candidate for the example's planted functions under callgrind (K=1, on the
function's own workload: its benchmark, else its tests) against the unchanged function.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agent.rewrite import Rejected, list_functions
from agent.rules import all_rules
from agent.rules.proposer import propose
from tasks.real import corpus_root, load_corpus

EXAMPLE = Path(__file__).resolve().parents[1] / "tasks" / "example"


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def package_files(name: str) -> tuple[Path, list[Path]]:
    """(the folder paths are shown relative to, the .py files) of a package: `example`, a
    folder or .py file, or an importable name."""
    if name == "example":
        return EXAMPLE, sorted((EXAMPLE / "wordfreq").glob("*.py"))
    if (given := Path(name)).exists():
        if given.is_file():
            return given.parent, [given]
        return given.parent, sorted(given.rglob("*.py"))
    where = Path(importlib.import_module(name).__file__ or "")
    if where.name != "__init__.py":  # a single-module library, like json's sibling `csv`
        return where.parent, [where]
    return where.parent.parent, sorted(where.parent.rglob("*.py"))


Package = tuple[str, Path, list[Path]]  # (label, the folder paths are relative to, .py files)


def corpus_packages(cache_dir: Path) -> list[Package]:
    """Each library of the real-repository corpus that scripts/real-repos.sh has unpacked."""
    found: list[Package] = []
    for library in load_corpus():
        root = corpus_root(cache_dir) / library.folder
        if not root.is_dir():
            say(f"{library.name}: not in {root}; run scripts/real-repos.sh to fetch it")
            continue
        found.append((library.name, root, library.source_files(root)))
    return found


@dataclass
class Tally:
    """What the proposer did on one package's functions: each rule's firings (as
    `path::qualname`), the functions with at least one proposal and how many proposals in all,
    the rules' failures, and any proposal whose module does not compile."""

    functions: int = 0
    proposed: int = 0
    proposals: int = 0
    where: defaultdict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    failures: Counter[str] = field(default_factory=Counter)
    broken: list[str] = field(default_factory=list)

    def add_file(self, source: str, rel: str) -> None:
        definitions = list_functions(source, path=rel)
        for definition in definitions if isinstance(definitions, tuple) else ():
            if definition.is_overload:  # an @overload stub never runs
                continue
            self.functions += 1
            found, failed = propose(source, definition.qualname, path=rel)
            name = f"{rel}::{definition.qualname}"
            self.proposed += bool(found)
            self.proposals += len(found)
            for proposal in found:
                if len(proposal.rules) == 1:
                    self.where[proposal.rules[0]].append(name)
                if not _compiles(proposal.source, rel):
                    self.broken.append(f"{name} ({'+'.join(proposal.rules)})")
            self.failures.update(f.rule for f in failed)


def fire_counts(packages: list[Package]) -> dict[str, Any]:
    """Per package: functions tried, functions with a proposal, proposals, seconds, and per
    rule the functions it fired on."""
    table: dict[str, Any] = {}
    for package, base, files in packages:
        tally, started = Tally(), time.monotonic()
        for path in files:
            tally.add_file(
                path.read_text(encoding="utf-8", errors="replace"), str(path.relative_to(base))
            )
        table[package] = {
            "functions": tally.functions,
            "proposed": tally.proposed,
            "proposals": tally.proposals,
            "fired": {rule: len(names) for rule, names in tally.where.items()},
            "where": dict(tally.where),
            "failures": dict(tally.failures),
            "broken": tally.broken,
            "seconds": round(time.monotonic() - started, 1),
        }
        say(f"{package}: {tally.functions} functions, {tally.proposals} proposals")
    return table


def _compiles(source: str, path: str) -> bool:
    try:
        compile(source, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


def measure_example(sandbox_name: str) -> list[dict[str, Any]]:
    """Callgrind counts of each planted function, unchanged and under each proposal."""
    from profilers.counter import prepare_counter
    from profilers.measure import Meter
    from sandbox import make_sandbox

    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as cache:
        box = make_sandbox(
            sandbox_name,
            Path(cache) if sandbox_name == "local" else Path.home() / ".cache" / "ratchet",
        )
        with box.prepare(EXAMPLE) as session:
            meter = Meter(session, prepare_counter(session, "callgrind"), runs=1)
            targets = {}
            for path in sorted((EXAMPLE / "wordfreq").glob("*.py")):
                rel = f"wordfreq/{path.name}"
                definitions = list_functions(path.read_text(), path=rel)
                assert not isinstance(definitions, Rejected), definitions
                for definition in definitions:
                    found, _ = propose(path.read_text(), definition.qualname, path=rel)
                    if found:
                        name = f"wordfreq.{path.stem}.{definition.qualname}"
                        targets[name] = (rel, found)
            callers = meter.callers(list(targets), session.repo.layout.collect)
            for name, (rel, found) in targets.items():
                workload = callers[name].workload
                say(f"measuring {name} and {len(found)} candidates on {len(workload)} tests")
                before = meter.measure(name, workload).counts[0].value
                for proposal in found:
                    after = (
                        meter.measure(name, workload, {rel: proposal.source.encode()})
                        .counts[0]
                        .value
                    )
                    rows.append(
                        {
                            "function": name,
                            "rules": list(proposal.rules),
                            "before": before,
                            "after": after,
                            "change": round((after - before) / before, 4),
                        }
                    )
    return rows


def print_table(counts: dict[str, Any], rules: list[str]) -> None:
    """Per package (a column): firings per rule, functions tried, failures, seconds."""
    width = max(10, *(len(package) + 2 for package in counts))
    rows: list[tuple[str, list[Any]]] = [
        (rule, [row["fired"].get(rule, 0) for row in counts.values()]) for rule in rules
    ]
    rows += [
        ("functions tried", [row["functions"] for row in counts.values()]),
        ("functions with a proposal", [row["proposed"] for row in counts.values()]),
        ("proposals", [row["proposals"] for row in counts.values()]),
        ("not located (ambiguous)", [_failed(row, True) for row in counts.values()]),
        ("rule failures", [_failed(row, False) for row in counts.values()]),
        ("broken proposals", [len(row["broken"]) for row in counts.values()]),
        ("seconds", [row["seconds"] for row in counts.values()]),
    ]
    print(f"{'rule':<28}" + "".join(f"{package:>{width}}" for package in counts))
    for label, cells in rows:
        print(f"{label:<28}" + "".join(f"{cell:>{width}}" for cell in cells))


def _failed(row: dict[str, Any], locate: bool) -> int:
    """Functions the proposer could not locate (a name defined twice, like a property and its
    setter), or candidates a rule made that did not fit the module."""
    return sum(n for rule, n in row["failures"].items() if (rule == "locate") == locate)


def print_firings(counts: dict[str, Any], rules: list[str]) -> None:
    """Every function each rule fired on, per package, then any proposal that did not compile."""
    for package, row in counts.items():
        for rule in rules:
            for name in row["where"].get(rule, []):
                print(f"{package:<10} {rule:<28} {name}")
        for name in row["broken"]:
            print(f"{package:<10} {'BROKEN':<28} {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sandbox", choices=["docker", "local"], default="docker")
    parser.add_argument(
        "--packages",
        default="click,rich,docker",
        help="comma-separated importable names, folders or .py files ('' for none)",
    )
    parser.add_argument(
        "--corpus",
        action="store_true",
        help="also every library of tasks/real/corpus.toml fetched by scripts/real-repos.sh",
    )
    parser.add_argument("--no-measure", action="store_true")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--list", action="store_true", help="print every function each rule fired on"
    )
    args = parser.parse_args()
    names = ["example", *[p for p in args.packages.split(",") if p]]
    packages: list[Package] = [(name, *package_files(name)) for name in names]
    if args.corpus:
        cache = Path(os.environ.get("RATCHET_CACHE_DIR") or Path.home() / ".cache" / "ratchet")
        packages += corpus_packages(cache)
    counts = fire_counts(packages)
    rows = [] if args.no_measure else measure_example(args.sandbox)
    if args.json:
        print(json.dumps({"fired": counts, "candidates": rows}, indent=2))
        return
    rules = [rule.name for rule in all_rules()]
    print_table(counts, rules)
    if args.list:
        print_firings(counts, rules)
    if rows:
        print(f"\ncallgrind instructions on each function's workload ({args.sandbox} sandbox)")
        print(f"{'function':<36} {'rules':<52} {'before':>13} {'after':>13} {'change':>8}")
        for row in rows:
            print(
                f"{row['function']:<36} {'+'.join(row['rules']):<52} {row['before']:>13,} "
                f"{row['after']:>13,} {row['change']:>+8.1%}"
            )


if __name__ == "__main__":
    main()
