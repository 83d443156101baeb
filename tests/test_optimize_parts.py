"""The optimize run's pure parts: choosing targets, writing files, rendering the report, and the
graph's nodes as plain functions of the state."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from langgraph.runtime import ExecutionInfo, Runtime

from agent.gate import Verdict
from agent.gate.verdict import Instructions, SuiteTally
from agent.llm import LLMUnavailable, Tier, Usage
from agent.optimize import ApplyError, OptimizeOptions, RunReport, render_markdown, render_text
from agent.optimize import graph as graph_module
from agent.optimize.apply import write_files
from agent.optimize.graph import build_graph, timed
from agent.optimize.nodes import (
    LLM_RETRY,
    NESTED,
    _proposable,
    decide,
    explain,
    next_target,
    propose,
)
from agent.optimize.proposers import RulesProposer
from agent.optimize.state import Judged, Plan, Proposed, Result, add_seconds, merge_round
from agent.optimize.targets import (
    TargetError,
    changed_lines,
    dotted,
    from_changes,
    from_hotspots,
    from_names,
)
from agent.optimize.tools import Tools
from profilers.compare import compare
from profilers.hotspots import Hotspot
from tests.conftest import git_init, write_tree

SOURCES = {
    "src/pkg/mod.py": "def f():\n    return 1\n\n\nclass C:\n    def m(self):\n        return 2\n",
    "pkg2/__init__.py": "def g():\n    def inner():\n        return 3\n    return inner()\n",
}


def test_dotted_names_drop_src_and_init() -> None:
    assert [dotted("src/pkg/mod.py", "C.m"), dotted("pkg2/__init__.py", "g")] == [
        "pkg.mod.C.m",
        "pkg2.g",
    ]


def spot(name: str, own: int, lines: int, everything: int = 100) -> Hotspot:
    """A hotspot with `own` of `everything` samples (self and total) and `lines` counted."""
    return Hotspot(name, "pkg.py", 1, own, own, own / everything, own / everything, lines)


def test_without_counted_lines_hotspots_rank_by_self_time_and_drop_pure_callers() -> None:
    spots = [
        Hotspot("pkg.caller", "pkg.py", 1, 0, 90, 0.0, 0.9),
        Hotspot("pkg.small", "pkg.py", 5, 10, 10, 0.1, 0.1),
        Hotspot("pkg.big", "pkg.py", 9, 40, 50, 0.4, 0.5),
    ]
    assert [p.function for p in from_hotspots(spots)] == ["pkg.big", "pkg.small"]


def test_with_counted_lines_targets_rank_by_lines_not_samples() -> None:
    spots = [spot("pkg.sampled_most", 40, 10), spot("pkg.ran_most", 5, 900)]
    assert [p.function for p in from_hotspots(spots)] == ["pkg.ran_most", "pkg.sampled_most"]


def test_two_samplings_of_the_same_counts_give_the_same_targets() -> None:
    first = [spot("pkg.a", 9, 300), spot("pkg.b", 3, 300), spot("pkg.c", 0, 50)]
    second = [spot("pkg.b", 12, 300), spot("pkg.c", 2, 50), spot("pkg.a", 1, 300)]
    assert [p.function for p in from_hotspots(first)] == [p.function for p in from_hotspots(second)]


def test_equal_line_counts_go_by_name() -> None:
    spots = [spot("pkg.z", 50, 300), spot("pkg.a", 1, 300)]
    assert [p.function for p in from_hotspots(spots)] == ["pkg.a", "pkg.z"]


def test_a_function_whose_lines_never_ran_is_no_target_even_with_samples() -> None:
    assert [p.function for p in from_hotspots([spot("pkg.ran", 0, 5), spot("pkg.not", 9, 0)])] == [
        "pkg.ran"
    ]


def test_a_function_under_a_thousandth_of_the_lines_run_is_not_hot() -> None:
    spots = [spot("pkg.hot", 0, 9989), spot("pkg.at", 0, 10), spot("pkg.under", 9, 1)]
    assert [p.function for p in from_hotspots(spots)] == ["pkg.hot", "pkg.at"]


def test_a_target_says_its_share_of_lines_and_of_samples() -> None:
    plans = from_hotspots([spot("pkg.a", 25, 300), spot("pkg.b", 0, 100)])
    assert [p.why for p in plans] == [
        "75.0% of the repo's lines run are its own, 25.0% of samples",
        "25.0% of the repo's lines run are its own",
    ]


def test_named_functions_must_exist() -> None:
    assert from_names(["pkg.mod.C.m"], SOURCES)[0].file == "src/pkg/mod.py"
    with pytest.raises(TargetError, match=r"pkg\.mod\.nope is not a function of this repository"):
        from_names(["pkg.mod.nope"], SOURCES)


def test_changed_lines_map_to_the_functions_around_them(tmp_path: Path) -> None:
    write_tree(tmp_path, SOURCES)
    git_init(tmp_path)
    path = tmp_path / "src/pkg/mod.py"
    path.write_text(path.read_text().replace("return 2", "return 2 + 0"))
    changes = changed_lines(tmp_path, "HEAD")
    assert [p.function for p in from_changes(changes, SOURCES, "HEAD")] == ["pkg.mod.C.m"]


def test_changed_lines_against_a_missing_ref_says_what_to_pass(tmp_path: Path) -> None:
    write_tree(tmp_path, SOURCES)
    git_init(tmp_path)
    with pytest.raises(TargetError, match="pass an existing branch, tag or commit with --base"):
        changed_lines(tmp_path, "no-such-ref")


def test_apply_refuses_a_file_that_changed_during_the_run_and_writes_nothing(
    tmp_path: Path,
) -> None:
    write_tree(tmp_path, {"a.py": "A = 1\n", "b.py": "B = 1\n"})
    originals = {"a.py": b"A = 1\n", "b.py": b"B = 0\n"}  # b.py changed since the run began
    with pytest.raises(ApplyError, match=r"b\.py changed while Ratchet was running"):
        write_files(tmp_path, {"a.py": b"A = 2\n", "b.py": b"B = 2\n"}, originals)
    assert [(tmp_path / n).read_text() for n in ("a.py", "b.py")] == ["A = 1\n", "B = 1\n"]


def test_apply_writes_every_file_and_keeps_its_mode(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": "A = 1\n"})
    (tmp_path / "a.py").chmod(0o640)
    write_files(tmp_path, {"a.py": b"A = 2\n"}, {"a.py": b"A = 1\n"})
    assert ((tmp_path / "a.py").read_text(), (tmp_path / "a.py").stat().st_mode & 0o777) == (
        "A = 2\n",
        0o640,
    )
    assert [p.name for p in tmp_path.iterdir()] == ["a.py"]  # no temporary file left behind


def report() -> RunReport:
    counts = Instructions("callgrind", "instructions", (1000, 1001), (400, 401))
    verdict = Verdict("pkg.f", "accepted", "efficiency", "accepted: fewer", "", SuiteTally(5, 0, 5),
                      instructions=counts, patch="--- a/pkg.py\n+++ b/pkg.py\n")  # fmt: skip
    best = Judged(Proposed("rules: concat-to-join", "..."), verdict)
    results = (
        Result("pkg.f", "pkg.py", "accepted", "rules: 60% fewer", best, 1, 1, 0, (best,)),
        Result("pkg.g", "pkg.py", "skipped", "no passing test calls it"),
    )
    return RunReport(results, Usage(), Tier("low", None, 0, 1, "small"), {"gate": 3.0}, 1, 9.0)


def test_the_report_table_shows_counts_gain_and_tests() -> None:
    text = render_text(report())
    assert "+++ b/pkg.py" in text and "pkg.f     accepted   1,001    401  59.9%    5/5" in text


def test_json_report_has_the_documented_shape() -> None:
    data = report().to_json()
    first = data["results"][0]
    assert (data["version"], first["status"], first["instructions"]) == (
        1,
        "accepted",
        {
            "counter": "callgrind",
            "unit": "instructions",
            "before": 1001,
            "after": 401,
            "gain": 0.599401,
        },
    )
    assert data["llm"] == {
        "calls": 0,
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "estimated": False,
        "seconds": 0.0,
    }
    assert data["model"] is None  # the low tier asks no model
    assert first["attempts"] == [
        {
            "origin": "rules: concat-to-join",
            "status": "accepted",
            "step": "efficiency",
            "reason": "accepted: fewer",
            "gain": None,
        }
    ]


def test_markdown_report_folds_the_diff_under_the_function() -> None:
    text = render_markdown(report())
    assert "| pkg.f | accepted |" in text and "<details><summary>pkg.f:" in text


def test_the_large_context_adds_the_signatures_of_what_the_function_calls() -> None:
    from agent.gate import Target
    from agent.optimize.context import build_context
    from profilers.behaviour import Recording

    source = (
        "def helper(x: int) -> int:\n    '''Doubles x.'''\n    return 2 * x\n\n\n"
        "def other():\n    pass\n\n\ndef f(xs):\n    return [helper(x) for x in xs]\n"
    )
    target = Target("m.f", "m.py", "f", source.encode())
    recording = Recording("m.f", b"", 3, 3, 0, None, argument_types=("xs: list[int]",))
    large, medium = (
        build_context(target, recording, "large"),
        build_context(target, recording, "medium"),
    )
    assert large.callees == ("def helper(x: int) -> int: Doubles x.",)
    assert (medium.callees, medium.arguments) == (
        (),
        ("xs: list[int]", "3 calls recorded while the tests ran"),
    )


# The graph's seams: the nodes are plain functions of the state and LangGraph's runtime, whose
# context is the run's frozen tools; these never reach the sandbox or the meter.

LOW = Tier("low", None, 0, 1, "small")
MID = Tier("mid", "small-model", 2, 2, "small")
PLAN = Plan("pkg.f", "pkg.py", "named with --function")


def runtime(tier: Tier = LOW, proposer: Any = None, clock: float = 10.0, attempt: int = 1) -> Any:
    unused: Any = None
    tools = Tools(unused, unused, OptimizeOptions(), tier, proposer or RulesProposer(),
                  clock=lambda: clock)  # fmt: skip
    return Runtime(context=tools, execution_info=ExecutionInfo("", "", "", node_attempt=attempt))


def judged(origin: str, before: int, after: int) -> Judged:
    comparison = compare([before] * 3, [after] * 3)
    status = "accepted" if comparison.accepted else "rejected"
    counts = Instructions("callgrind", "instructions", (before,), (after,), comparison)
    verdict = Verdict("pkg.f", status, "efficiency", "", instructions=counts)
    return Judged(Proposed(origin, "..."), verdict)


def round_state(*verdicts: Judged, **extra: Any) -> Any:
    return {"plans": [PLAN], "current": 0, "round": 1, "history": [], "judged": list(verdicts),
            "tokens_at_enter": 0, "proposed_at": 4.0, **extra}  # fmt: skip


def test_the_graph_runs_the_nodes_its_diagram_draws() -> None:
    nodes = list(build_graph().get_graph().nodes)[1:-1]
    assert nodes == ["name_targets", "run_suite", "profile", "select_targets", "take_baseline",
                     "propose", "gate", "decide", "explain", "next_target"]  # fmt: skip
    assert all(f"-> {node}" in (graph_module.__doc__ or "") for node in nodes)


def test_decide_keeps_the_best_accepted_candidate_and_counts_the_gating_time() -> None:
    state = round_state(judged("slower", 100, 120), judged("a", 100, 50), judged("b", 100, 10))
    update = decide(state, runtime=runtime(clock=10.0))
    (result,) = update["results"]
    assert (result.status, result.best and result.best.proposed.origin, result.candidates) == (
        "accepted",
        "b",
        3,
    )
    assert (update["gate_wall"], update["proposed_at"], update["history"]) == (6.0, None, [])


def test_decide_refines_while_the_llm_has_rounds_left() -> None:
    state = round_state(judged("slower", 100, 120))
    update = decide(state, runtime=runtime(MID))
    assert (update["refining"], update["round"], len(update["history"])) == (True, 2, 1)


def test_decide_says_why_a_target_got_no_candidate() -> None:
    stopped = round_state(stopped="the LLM budget of 1 calls is spent", proposed_at=None)
    update = decide(stopped, runtime=runtime(MID))
    assert update["results"][0].reason == "stopped: the LLM budget of 1 calls is spent"
    assert "gate_wall" not in update  # nothing was gated this round


def test_explain_spends_no_sandbox_run_on_the_rules_or_on_what_no_trace_explains() -> None:
    state = round_state(history=[judged("slower", 100, 120)])  # rejected at efficiency
    # the runtime's session is None: a sandbox run would fail the test
    assert explain(state, runtime=runtime(LOW)) == explain(state, runtime=runtime(MID)) == {}


class Unavailable:
    name = "llm"

    def propose(self, *args: Any) -> list[Any]:
        raise LLMUnavailable("the LLM endpoint kept timing out; try again later.")


def test_an_unavailable_llm_is_retried_once_then_stops_the_run() -> None:
    # the small context reads neither the target nor its recording
    context = SimpleNamespace(baseline=SimpleNamespace(target=None, recording=None))
    state: Any = {"plans": [PLAN], "current": 0, "round": 1, "history": [],
                  "baselines": {"pkg.f": context}}  # fmt: skip
    with pytest.raises(LLMUnavailable):  # the first attempt: LLM_RETRY runs the round again
        propose(state, runtime=runtime(MID, Unavailable(), attempt=1))
    last = propose(state, runtime=runtime(MID, Unavailable(), attempt=LLM_RETRY.max_attempts))
    assert last == {
        "proposals": [],
        "stopped": "the LLM endpoint kept timing out; try again later.",
    }


def test_timed_nodes_return_their_wall_time_and_the_times_add_up() -> None:
    ticks = iter([1.0, 3.5])
    tools = runtime().context
    timed_runtime = Runtime(context=dataclasses.replace(tools, clock=lambda: next(ticks)))
    update = timed(next_target)({"current": 0}, runtime=timed_runtime)
    assert update == {"current": 1, "round": 0, "proposals": [], "seconds": {"next_target": 2.5}}
    assert add_seconds({"gate": 1.0}, {"gate": 2.0, "decide": 0.5}) == {"gate": 3.0, "decide": 0.5}


def test_a_round_gathers_the_parallel_verdicts_and_the_next_one_starts_empty() -> None:
    first, second = judged("a", 100, 50), judged("b", 100, 10)
    assert (merge_round([first], [second]), merge_round([first, second], None)) == (
        [first, second],
        [],
    )


NESTING = """\
class Filter:
    def process(self, items):
        def pick(item):
            out = []
            for x in item:
                out.append(x)
            return out
        return [pick(i) for i in items]

def flat(items):
    out = []
    for x in items:
        out.append(x)
    return out
"""


def test_the_rules_and_the_names_decide_the_targets_before_any_sandbox_run() -> None:
    plans = [Plan(f"pkg.mod.{q}", "pkg/mod.py", "hot") for q in
             ("Filter.process.pick", "Filter.process", "flat")]  # fmt: skip
    kept, refused = _proposable(RulesProposer(), plans, {"pkg/mod.py": NESTING})
    assert [p.function for p in kept] == ["pkg.mod.flat"]
    assert [(p.function, why) for p, why in refused] == [
        ("pkg.mod.Filter.process.pick", NESTED),  # the rules fire on it, but nothing reaches it
        ("pkg.mod.Filter.process", "no offline rule applies to it"),
    ]
