"""Ratchet's Mid tier with a local model, on the example and the real-repository corpus.

    .venv/bin/python benchmarks/live.py [--model PATH.gguf ...] [--only example,inflection]
                                        [--max-functions 3] [--sandbox local|docker]
                                        [--json FILE] [--logs DIR] [--cache-dir DIR]

Every task (the bundled example, `tasks/example`, and each library of tasks/real/corpus.toml
that ships tests, fetched first by `scripts/real-repos.sh`) is copied into a scratch folder and
put through the real CLI in its own process, as a user types it, once per --model:
`ratchet optimize DIR --budget mid --llm local --local-model MODEL --json-report R` (ratchet
starts and stops the model's server itself). Per task it prints the candidates proposed, those
parsed (replies that became candidates), the rejections at each gate step (the steps the
reports name), the functions accepted, the best instruction gain, the tokens, the LLM's
seconds and the wall time; per model, the share of tasks improved and the false accepts.

A false accept is an accepted rewrite that a held-out check shows to change behaviour. Each
accepted result's patch is applied with `git apply` to a fresh copy of the task, and the
held-out checks (benchmarks/hidden/checks.py) run there, in the same kind of sandbox as the
run (`ratchet sandbox run`: the accepted code is a model's and never runs on the host bare):
- for a task with a folder under benchmarks/hidden/ (the example has one), its hidden tests:
  code the gate never saw, copied into the copy's tests/ folder;
- for any other task (the corpus libraries), the library's full test suite. The gate ran
  that suite too, in its sandbox; this second, independent run catches what the gate's own
  run missed or misread: a rewrite that passes only on some runs, or slipped through a fault
  in the gate's reading of the suite. It cannot catch a behaviour change that no test of the library exercises.
The same checks run once on the unchanged copy: only a test that passes there and fails with
the patch (and again when rerun alone) counts, so tests that fail there anyway never do.

The exit status is the acceptance: 0 when every optimize run completed (exit 0, no traceback,
a report) with every accepted patch applied and checked, and no false accept was found; else 1
(2 for a usage problem: unknown task, missing model, corpus not fetched). Each run's stderr,
report and check output are kept under --logs.
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
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from agent.gate.verdict import STEPS  # noqa: E402
from benchmarks.hidden.checks import (  # noqa: E402
    Checked,
    FalseAccept,
    Task,
    hidden_tests,
    hold_out,
)
from benchmarks.real import ratchet  # noqa: E402
from tasks.real import corpus_root, load_corpus  # noqa: E402

DEFAULT_MODEL = "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
EXAMPLE = ROOT / "tasks" / "example"


@dataclass
class Outcome:
    model: str  # the model file's name
    task: str
    reported_model: Any = None  # what the report says of the model, when it says
    completed: bool = False
    proposed: int = 0
    parsed: int = 0
    rejected: dict[str, int] = field(default_factory=dict)  # by the gate step that decided
    attempts_listed: bool = False  # False: the report has no attempts; counts are per target
    accepted: int = 0
    best_gain: float | None = None
    tokens: int = 0
    llm_seconds: float | None = None
    seconds: float = 0.0
    checks: str = ""  # which held-out checks ran, or why none did
    false_accepts: list[FalseAccept] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)


def failures(done: subprocess.CompletedProcess[str]) -> list[str]:
    found = []
    if "Traceback (most recent call last)" in done.stderr:
        found.append("optimize: a traceback")
    if done.returncode != 0:
        last = done.stderr.strip().splitlines()[-1:] or ["(nothing said)"]
        found.append(f"optimize: exit {done.returncode}: {last[0][:300]}")
    return found


# Reading a report (version 1). `attempts`, `model` and `llm.seconds` are read when present.


def read_report(report: dict[str, Any], outcome: Outcome) -> None:
    results = report.get("results", [])
    count_attempts(results, outcome)
    accepted = [r for r in results if r.get("status") == "accepted"]
    outcome.accepted = len(accepted)
    outcome.reported_model = report.get("model")
    gains = [r["instructions"]["gain"] for r in accepted if r.get("instructions")]
    gains += [
        a["gain"]
        for r in results
        for a in r.get("attempts") or []
        if a.get("status") == "accepted" and a.get("gain") is not None
    ]
    outcome.best_gain = max(gains, default=None)
    llm = report.get("llm") or {}
    outcome.tokens = llm.get("prompt_tokens", 0) + llm.get("completion_tokens", 0)
    outcome.tokens = outcome.tokens or sum(r.get("tokens", 0) for r in results)
    outcome.llm_seconds = llm.get("seconds")
    for result in results:
        if result.get("status") == "error":
            outcome.errors.append(f"{result.get('function')}: {str(result.get('reason'))[:300]}")
        if result.get("status") != "skipped":
            keys = ("function", "status", "reason", "candidates", "tokens")
            outcome.targets.append({k: result.get(k) for k in keys})


def count_attempts(results: Sequence[dict[str, Any]], outcome: Outcome) -> None:
    """Proposed, parsed and rejected by step, from each target's attempts; without attempts in
    the report only the gated count is known, and it stands for proposed and parsed both."""
    outcome.attempts_listed = any("attempts" in r for r in results)
    if not outcome.attempts_listed:
        outcome.proposed = outcome.parsed = sum(r.get("candidates", 0) for r in results)
        return
    attempts = [a for r in results for a in r.get("attempts") or []]
    outcome.proposed = len(attempts)
    outcome.parsed = sum(a.get("step") != "reply" for a in attempts)
    turned_down = [a for a in attempts if a.get("status") != "accepted"]
    outcome.rejected = dict(Counter(str(a.get("step", "?")) for a in turned_down))


# One run


def run_task(task: Task, model: Path, args: argparse.Namespace) -> Outcome:
    outcome = Outcome(model.name, task.name)
    logs = args.logs / model.stem
    logs.mkdir(parents=True, exist_ok=True)
    report_file = logs / f"{task.name}.json"
    report_file.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"ratchet-live-{task.name}-") as scratch:
        repo = Path(scratch) / task.source.name
        shutil.copytree(task.source, repo)
        started = time.perf_counter()
        done = ratchet("optimize", str(repo), "--budget", "mid", "--llm", "local",
                       "--local-model", str(model), "--max-functions", str(args.max_functions),
                       "--json-report", str(report_file), "--sandbox", args.sandbox,
                       "--no-diff")  # fmt: skip
        outcome.seconds = time.perf_counter() - started
        (logs / f"{task.name}.log").write_text(done.stderr)
        outcome.errors += failures(done)
        if not report_file.exists():
            outcome.errors.append("optimize: no report written")
            return outcome
        outcome.completed = not outcome.errors
        check_log: list[str] = []
        try:
            report = json.loads(report_file.read_text())
            read_report(report, outcome)
            checked = hold_out(task, report, Path(scratch), check_log, args.sandbox)
        except Exception as exc:  # one broken report or check never aborts the batch
            checked = Checked("not run", errors=[f"reading the report or checking: {exc!r}"])
        (logs / f"{task.name}.checks.log").write_text("\n".join(check_log))
    outcome.checks, outcome.false_accepts = checked.checks, checked.false_accepts
    outcome.errors += checked.errors
    outcome.completed = outcome.completed and not checked.errors
    return outcome


# Output


def step_names(outcomes: Sequence[Outcome]) -> list[str]:
    """The steps the reports named, in the gate's order (replies first), unknown ones last."""
    seen = {step for o in outcomes for step in o.rejected}
    order = ["reply", *STEPS]
    return [s for s in order if s in seen] + sorted(seen - set(order))


def row(label: str, o: Outcome, steps: Sequence[str]) -> list[str]:
    rejected = [str(o.rejected.get(s, 0)) if o.attempts_listed else "-" for s in steps]
    gain = f"{o.best_gain:.1%}" if o.best_gain is not None else "-"
    llm = f"{o.llm_seconds:.0f}" if o.llm_seconds is not None else "-"
    return [o.model, label, str(o.proposed), str(o.parsed), *rejected, str(o.accepted), gain,
            str(o.tokens), llm, f"{o.seconds:.0f}", str(len(o.false_accepts)),
            "yes" if o.completed else "NO"]  # fmt: skip


def total(model: str, outcomes: Sequence[Outcome]) -> Outcome:
    summed = Outcome(model, "total", completed=all(o.completed for o in outcomes))
    summed.attempts_listed = all(o.attempts_listed for o in outcomes)
    for o in outcomes:
        summed.proposed += o.proposed
        summed.parsed += o.parsed
        summed.rejected = dict(Counter(summed.rejected) + Counter(o.rejected))
        summed.accepted += o.accepted
        summed.tokens += o.tokens
        summed.seconds += o.seconds
        summed.false_accepts += o.false_accepts
    summed.best_gain = max((o.best_gain for o in outcomes if o.best_gain is not None), default=None)
    known = [o.llm_seconds for o in outcomes if o.llm_seconds is not None]
    summed.llm_seconds = sum(known) if known else None
    return summed


def table(outcomes: Sequence[Outcome]) -> str:
    steps = step_names(outcomes)
    head = ["model", "task", "proposed", "parsed", *(f"x {s}" for s in steps), "accepted",
            "best gain", "tokens", "llm s", "wall s", "false acc", "completed"]  # fmt: skip
    rows = [head]
    for model in dict.fromkeys(o.model for o in outcomes):
        mine = [o for o in outcomes if o.model == model]
        rows += [row(o.task, o, steps) for o in mine]
        improved = sum(o.accepted > 0 for o in mine)
        rows.append(row(f"total ({improved}/{len(mine)} improved)", total(model, mine), steps))
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in
                       enumerate(zip(r, widths, strict=True))) for r in rows]  # fmt: skip
    legend = (
        "x STEP: candidates rejected at that gate step; x reply: replies that gave no new "
        "candidate (unreadable, or a repeat); parsed: candidates that reached the gate"
    )
    return "\n".join([*lines, legend])


def details(outcomes: Sequence[Outcome]) -> str:
    lines = []
    for o in outcomes:
        where = f"{o.model} {o.task}"
        for t in o.targets:
            lines.append(f"{where}: {t['function']}: {t['status']} ({t['candidates']} gated, "
                         f"{t['tokens']} tokens): {t['reason']}")  # fmt: skip
        lines += [f"{where}: held-out checks: {o.checks}"] if o.checks else []
        lines += [f"{where}: FALSE ACCEPT {f.function}: {f.test} {f.message}".rstrip()
                  for f in o.false_accepts]  # fmt: skip
        lines += [f"{where}: ERROR {e}" for e in o.errors]
    if outcomes and not all(o.attempts_listed for o in outcomes):
        lines.append("(reports without `attempts`: proposed and parsed are the gated counts)")
    return "\n".join(lines)


def summary(outcomes: Sequence[Outcome]) -> str:
    lines = []
    for model in dict.fromkeys(o.model for o in outcomes):
        mine = [o for o in outcomes if o.model == model]
        improved = sum(o.accepted > 0 for o in mine)
        false = sum(len(o.false_accepts) for o in mine)
        lines.append(f"{model}: improved {improved} of {len(mine)} tasks "
                     f"({improved / len(mine):.0%}); false accepts: {false}; "
                     f"runs not completed: {sum(not o.completed for o in mine)}")  # fmt: skip
    return "\n".join(lines)


# The command


def choose_tasks(cache: Path, only: str) -> list[Task] | str:
    """The tasks asked for, or the sentence that says why they cannot run."""
    libraries = [lib for lib in load_corpus() if lib.tests]
    known = ["example", *(lib.name for lib in libraries)]
    wanted = [n for n in only.split(",") if n] or known
    if unknown := [n for n in wanted if n not in known]:
        return f"no task named {', '.join(unknown)}; the tasks are {', '.join(known)}"
    tasks = [Task("example", EXAMPLE, hidden_tests("example"), ("tests",))]
    for lib in libraries:
        source = corpus_root(cache) / lib.folder
        if lib.name in wanted and not source.is_dir():
            return f"{lib.name} is not fetched into {source.parent}; run scripts/real-repos.sh"
        tasks.append(Task(lib.name, source, hidden_tests(lib.name), lib.tests))
    return [t for t in tasks if t.name in wanted]


def refuse(problem: str) -> int:
    print(f"live: {problem}", file=sys.stderr)
    return 2


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", type=Path, action="append", default=[], help="a GGUF model "
                        f"file; repeatable (default: <cache>/models/{DEFAULT_MODEL})")  # fmt: skip
    parser.add_argument("--only", default="", help="comma-separated task names: example, or a "
                        "library of tasks/real/corpus.toml")  # fmt: skip
    parser.add_argument("--max-functions", type=int, default=3)
    parser.add_argument("--sandbox", default="local", choices=("local", "docker"))
    parser.add_argument("--json", type=Path, help="also write every outcome here")
    parser.add_argument("--cache-dir", type=Path, default=None)
    parser.add_argument("--logs", type=Path, default=Path(tempfile.gettempdir()) / "ratchet-live",
                        help="where each run's stderr, report and check output are kept "
                        "(default: %(default)s)")  # fmt: skip
    args = parser.parse_args()
    cache = args.cache_dir or Path(
        os.environ.get("RATCHET_CACHE_DIR", Path.home() / ".cache" / "ratchet")
    )
    models = [m.resolve() for m in args.model] or [cache / "models" / DEFAULT_MODEL]
    tasks = choose_tasks(cache, args.only)
    if isinstance(tasks, str):
        return refuse(tasks)
    if missing := [m for m in models if not m.is_file()]:
        return refuse(f"no model file at {missing[0]}; pass --model PATH.gguf")
    outcomes = []
    for model in models:
        for task in tasks:
            print(f"== {model.name}: {task.name}", file=sys.stderr, flush=True)
            outcome = run_task(task, model, args)
            print(f"   {outcome.proposed} proposed, {outcome.accepted} accepted, "
                  f"{len(outcome.false_accepts)} false accept(s), {len(outcome.errors)} "
                  f"error(s) in {outcome.seconds:.0f} s", file=sys.stderr, flush=True)  # fmt: skip
            outcomes.append(outcome)
    print(table(outcomes), details(outcomes), summary(outcomes), sep="\n\n")
    print(f"\nlogs: {args.logs}")
    if args.json:
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], indent=2))
    clean = all(o.completed and not o.false_accepts for o in outcomes)
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
