"""The gate's pure rules: measured outputs, the whole-process saving, the runs' common digests,
outcomes the probe sent against the ones in its result, and what a verdict says it rests on."""

from __future__ import annotations

import json

import pytest

from agent.gate.steps import (
    WHOLE_NOISE,
    WHOLE_SHARE,
    outputs_problem,
    state_problem,
    whole_problem,
)
from agent.gate.verdict import BehaviourTally, Instructions, SuiteTally, Verdict
from profilers.compare import compare_counts
from profilers.counts import InstructionCount
from profilers.measure import Whole, common_digests
from profilers.ratchet_probe.protocol import SuiteResult
from profilers.suite import read_report
from sandbox.base import RunResult

# -- outputs while measured ------------------------------------------------------------------------


def test_the_same_outputs_are_no_problem() -> None:
    assert outputs_problem(("a", "b"), ("a", "b"), "measured run") is None


def test_a_call_the_original_was_not_deterministic_on_is_not_compared() -> None:
    assert outputs_problem(("a", ""), ("a", "z"), "measured run") is None


def test_another_output_while_measured_names_the_call_and_the_run() -> None:
    problem = outputs_problem(("a", "b"), ("a", "c"), "whole-process run") or ""
    assert "call 2 of the whole-process run" in problem and "detects the counter" in problem


def test_another_number_of_measured_calls_is_a_problem() -> None:
    problem = outputs_problem(("a", "b"), ("a",), "measured run") or ""
    assert "made 1 measured calls with the candidate and 2 without" in problem


# -- the saving in the whole process ---------------------------------------------------------------

START = 500_000_000  # what pytest's start-up costs under callgrind, roughly
WORK = 10_000_000  # what the function costs per pass of its workload, unchanged


def whole(value: float, passes: int = 1) -> Whole:
    return Whole(int(value), passes, 1, (), 1.0)


def test_an_honest_saving_shows_in_the_whole_process() -> None:
    before, after = whole(START + WORK), whole(START + WORK / 2)
    assert whole_problem(WORK / 2, before, after, allow_state=False) is None


def test_an_honest_saving_over_two_passes_shows_twice() -> None:
    before, after = whole(START + 2 * WORK, 2), whole(START + WORK, 2)
    assert whole_problem(WORK / 2, before, after, allow_state=True) is None


def test_a_saving_that_does_not_show_is_a_problem_that_points_to_allow_state() -> None:
    problem = whole_problem(WORK / 2, whole(START + WORK), whole(START + WORK), False) or ""
    assert ("whole process" in problem, "--allow-state" in problem) == (True, True)


def test_the_problem_quotes_the_numbers() -> None:
    problem = whole_problem(WORK / 2, whole(START + WORK), whole(START + WORK), False) or ""
    assert (
        "5,000,000 instructions per pass" in problem
        and "from 510,000,000 to 510,000,000" in problem
    )


@pytest.mark.parametrize(("passes", "allow_state"), [(1, True), (2, True), (2, False)])
def test_allow_state_is_offered_only_to_a_single_pass_without_it(
    passes: int, allow_state: bool
) -> None:
    before = whole(START + passes * WORK, passes)
    problem = whole_problem(WORK / 2, before, before, allow_state) or ""
    assert "whole process" in problem and "--allow-state" not in problem


def test_a_saving_below_the_noise_of_identical_runs_is_forgiven() -> None:
    before = START + WORK
    region = 100  # far below WHOLE_NOISE of the whole count: nothing the whole run can show
    wobble = int(WHOLE_NOISE * before) - int(WHOLE_SHARE * region) - 1
    assert whole_problem(region, whole(before), whole(before + wobble), False) is None


def test_a_loss_beyond_the_noise_is_not_forgiven() -> None:
    before = START + WORK
    beyond = int(WHOLE_NOISE * before) + 1
    assert whole_problem(100, whole(before), whole(before + beyond), False) is not None


def test_a_cache_allowed_by_allow_state_passes_the_whole_process_rule() -> None:
    """With --allow-state the whole process runs the workload twice: a cache fills in the first
    pass (at its cost plus its own bookkeeping) and answers the second. The region saw the
    warm pass only. Half of `passes` x region is then exactly the one pass the cache saves, so
    any bookkeeping beyond WHOLE_NOISE of the whole count (here 1% of the function's work)
    rejects the cache --allow-state is there to accept."""
    bookkeeping, hit = WORK // 100, WORK // 1000
    region = WORK - hit  # the measured (warm) pass: every call a hit
    before = whole(START + 2 * WORK, 2)
    after = whole(START + (WORK + bookkeeping) + hit, 2)
    assert whole_problem(region, before, after, allow_state=True) is None


# -- the digests every run agrees on ---------------------------------------------------------------


def test_digests_every_run_agrees_on_are_kept_and_the_others_blanked() -> None:
    assert common_digests([("a", "b", "c"), ("a", "x", "c"), ("a", "b", "c")]) == ("a", "", "c")


@pytest.mark.parametrize("runs", [[], [("a", "b"), ("a",)]])
def test_runs_that_made_different_numbers_of_calls_have_no_common_digests(
    runs: list[tuple[str, ...]],
) -> None:
    assert common_digests(runs) == ()


# -- outcomes sent as the tests ran against the result -----------------------------------------------


def run_result(returncode: int = 0, *, timed_out: bool = False) -> RunResult:
    return RunResult(("python", "-m", "pytest"), returncode, "", "", 1.0, timed_out=timed_out)


def suite_result(outcomes: dict[str, str], exitstatus: int = 0) -> SuiteResult:
    return SuiteResult(outcomes, len(outcomes), exitstatus, finished=True)


def tampered(
    outcomes: dict[str, str], sent: list[list[str]], run: RunResult | None = None
) -> tuple[str, ...]:
    exitstatus = 1 if "failed" in outcomes.values() else 0
    return read_report(
        suite_result(outcomes, exitstatus), run or run_result(exitstatus), sent
    ).tampered


def test_outcomes_as_sent_are_no_tampering() -> None:
    assert (
        tampered({"t::a": "passed", "t::b": "skipped"}, [["t::a", "passed"], ["t::b", "skipped"]])
        == ()
    )


def test_the_last_outcome_sent_for_a_test_counts() -> None:
    assert tampered({"t::a": "failed"}, [["t::a", "passed"], ["t::a", "failed"]]) == ()


def test_an_outcome_rewritten_after_it_was_sent_is_tampering() -> None:
    (found,) = tampered(
        {"t::a": "passed", "t::b": "passed"}, [["t::a", "passed"], ["t::b", "failed"]]
    )
    assert found.startswith("the outcome of t::b in the probe's result is not the one it sent")


def test_an_outcome_never_sent_is_tampering() -> None:
    (found,) = tampered({"t::a": "passed", "t::new": "passed"}, [["t::a", "passed"]])
    assert "t::new" in found


def test_an_outcome_sent_but_left_out_of_the_result_is_tampering() -> None:
    (found,) = tampered({"t::a": "passed"}, [["t::a", "passed"], ["t::gone", "failed"]])
    assert "t::gone" in found


def test_malformed_outcome_frames_are_ignored_and_the_outcomes_then_differ() -> None:
    assert tampered({"t::a": "passed"}, [["t::a"], "t::a passed"]) != ()  # type: ignore[list-item]


def test_a_process_that_exits_otherwise_than_its_session_is_tampering() -> None:
    (found,) = tampered({"t::a": "passed"}, [["t::a", "passed"]], run_result(3))
    assert "exit status 0, but the process exited with 3" in found


def test_a_timed_out_run_is_not_blamed_for_its_exit_status() -> None:
    assert tampered({"t::a": "passed"}, [["t::a", "passed"]], run_result(-9, timed_out=True)) == ()


def test_no_result_is_a_run_that_did_not_finish() -> None:
    report = read_report(None, run_result(1))
    assert (report.finished, report.outcomes, report.tampered) == (False, {}, ())


# -- what a verdict rests on -----------------------------------------------------------------------


def counts(*values: int) -> tuple[InstructionCount, ...]:
    return tuple(InstructionCount(v, "callgrind", "instructions", "py3") for v in values)


def accepted(whole_after: int | None = 900) -> Verdict:
    before, after = (1000, 1001, 1002), (800, 801, 802)
    instructions = Instructions(
        "callgrind",
        "instructions",
        before,
        after,
        compare_counts(counts(*before), counts(*after)),
        calls=7,
        whole_before=1000 if whole_after is not None else None,
        whole_after=whole_after,
    )
    return Verdict(
        "calc.core.triangle",
        "accepted",
        "efficiency",
        "20.0% fewer instructions",
        tests=SuiteTally(12, 0, 12),
        behaviour=BehaviourTally(calls_replayed=4, generated=41),
        instructions=instructions,
        seconds={"suite": 1.23456},
    )


def test_an_accepted_verdict_says_what_it_rests_on() -> None:
    assert accepted().rests_on() == {
        "tests_passed": 12,
        "recorded_calls_compared": 4,
        "generated_inputs_compared": 41,
        "measured_runs": 3,
        "measured_calls_per_run": 7,
        "whole_process_runs": 1,
    }


def test_a_verdict_without_a_whole_process_run_says_so() -> None:
    assert accepted(whole_after=None).rests_on()["whole_process_runs"] == 0


def test_a_rejection_before_measuring_rests_on_no_measured_runs() -> None:
    rejected = Verdict("calc.core.triangle", "rejected", "behaviour", "differs")
    assert rejected.rests_on() == dict.fromkeys(accepted().rests_on(), 0)


def test_the_json_verdict_has_its_keys_and_is_json() -> None:
    found = json.loads(json.dumps(accepted().to_json()))
    assert (
        sorted(found),
        sorted(found["instructions"]),
        found["instructions"]["whole_process"],
    ) == (
        sorted(
            [
                "version",
                "function",
                "verdict",
                "step",
                "reason",
                "evidence",
                "tests",
                "behaviour",
                "instructions",
                "rests_on",
                "patch",
                "seconds",
            ]
        ),
        ["after", "before", "counter", "gain", "unit", "whole_process"],
        {"before": 1000, "after": 900},
    )


def test_the_json_verdict_rounds_seconds_and_repeats_rests_on() -> None:
    found = accepted().to_json()
    assert (found["seconds"], found["rests_on"]) == ({"suite": 1.235}, accepted().rests_on())


def test_the_json_verdict_without_counts_has_no_instructions() -> None:
    assert Verdict("f", "error", "apply", "no such function").to_json()["instructions"] is None


def test_a_measured_pass_that_reuses_what_the_warm_up_filled_is_state() -> None:
    # original: warm 100 of cold 100; candidate: warm 10 of cold 50 (a cache around a faster one)
    problem = state_problem((100.0, 10.0), (100, 50))
    assert problem is not None and "state across calls" in problem and "--allow-state" in problem


def test_a_rewrite_as_warm_as_the_original_keeps_no_state() -> None:
    assert state_problem((100.0, 40.0), (120, 50)) is None
    # the original itself warms up (regex cache): the candidate may too, as much
    assert state_problem((50.0, 20.0), (100, 40)) is None
