"""A rejected candidate's block trace beside the original's: which call, which step differs
first, and the bounded text the model gets (agent/optimize/evidence.py, over hand-built
traces; test_optimize_trace.py runs the whole thing through a real optimize round)."""

from __future__ import annotations

from agent.gate import Verdict
from agent.optimize.evidence import (
    MARKER,
    Side,
    first_difference,
    pick_call,
    render_comparison,
    same_state,
)
from agent.optimize.proposers import TRACES_SHOWN, _evidence, rejection_evidence
from agent.optimize.state import Judged, Proposed
from profilers.ratchet_probe.blocktrace import CallTrace, Step

CODE = ("s = 0", "for x in xs:", "s += x", "return s")


def step(block: int, **state: str) -> Step:
    return Step(block, tuple(state.items()), 1)


def call(*steps: Step, returned: str | None = "6", outcome: str = "returned") -> CallTrace:
    return CallTrace(
        "total", "calc.py", 0, steps, 0, len(steps), outcome, (("xs", "[1, 2, 3]"),), returned
    )


SUMMED = call(
    step(0, s="0"),
    step(1, x="1"),
    step(2, s="1"),
    step(1, x="2"),
    step(2, s="3"),
    step(1, x="3"),
    step(2, s="6"),
    step(3, **{"return": "6"}),
)
SKIPS_FIRST = call(
    step(0, s="0"),
    step(1, x="2"),
    step(2, s="2"),
    step(1, x="3"),
    step(2, s="5"),
    step(3, **{"return": "5"}),
    returned="5",
)


def marked(text: str) -> list[str]:
    return [line for line in text.splitlines() if MARKER in line]


def test_states_agree_on_the_same_names_and_values() -> None:
    assert same_state(step(0, s="0"), step(5, s="0"))  # the block index is not compared


def test_a_renamed_variable_with_the_same_value_agrees() -> None:
    assert same_state(step(0, s="0"), step(0, total="0"))


def test_a_different_value_disagrees() -> None:
    assert not same_state(step(1, x="1"), step(1, x="2"))


def test_an_empty_state_disagrees_with_a_full_one() -> None:
    assert not same_state(step(1), step(1, x="1"))


def test_the_first_difference_is_the_first_step_whose_values_differ() -> None:
    assert first_difference(SUMMED, SKIPS_FIRST) == 1


def test_equal_calls_have_no_difference() -> None:
    assert first_difference(SUMMED, SUMMED) is None


def test_a_call_that_ends_early_differs_where_it_ended() -> None:
    assert first_difference(SUMMED, call(*SUMMED.steps[:3])) == 3


def test_the_call_picked_is_the_first_whose_result_differs() -> None:
    assert pick_call([SUMMED, SUMMED, SUMMED], [SUMMED, SKIPS_FIRST, SKIPS_FIRST]) == 1


def test_without_a_differing_result_the_first_call_is_picked() -> None:
    assert pick_call([SUMMED, SUMMED], [SUMMED, SUMMED]) == 0


def test_the_render_shows_the_original_first_and_marks_the_candidates_second_step() -> None:
    text = render_comparison("t.py::test_total", Side(CODE, (SUMMED,)), Side(CODE, (SKIPS_FIRST,)))
    original, candidate = text.index("original: total("), text.index("candidate: total(")
    assert original < candidate
    assert marked(text) == [
        "  2. `for x in xs:`  => x = 1   " + MARKER,
        "  2. `for x in xs:`  => x = 2   " + MARKER,
    ]


def test_the_render_names_the_test_the_call_and_both_results() -> None:
    text = render_comparison("t.py::test_total", Side(CODE, (SUMMED,)), Side(CODE, (SKIPS_FIRST,)))
    assert "in t.py::test_total, call 1 of 1" in text
    assert "original: total(xs=[1, 2, 3]) returned 6; 8 steps ran" in text
    assert "candidate: total(xs=[1, 2, 3]) returned 5; 6 steps ran" in text


def test_a_long_trace_shows_a_window_around_the_difference_with_counts() -> None:
    loop = [step(1, x=str(i)) for i in range(500)]
    before = call(*loop)
    after = call(*loop[:300], step(1, x="oops"), *loop[301:])
    text = render_comparison("t", Side(CODE, (before,)), Side(CODE, (after,)))
    assert "  ... 298 earlier step(s) not shown" in text
    assert "  ... 197 later step(s) not shown" in text
    assert len(text.splitlines()) < 20 and len(text) < 2000


def test_long_values_are_clipped() -> None:
    huge = call(step(0, s="x" * 5000))
    text = render_comparison(
        "t",
        Side(CODE, (huge,)),
        Side(
            CODE,
            (
                call(
                    step(0, s="y"),
                ),
            ),
        ),
    )
    assert max(len(line) for line in text.splitlines()) < 300


def test_a_step_the_candidate_lacks_is_marked_as_the_end_of_its_call() -> None:
    short = call(*SUMMED.steps[:3], outcome="raised", returned=None)
    text = render_comparison("t", Side(CODE, (SUMMED,)), Side(CODE, (short,)))
    assert "candidate: total(xs=[1, 2, 3]) raised; 3 steps ran" in text
    assert marked(text)[-1] == f"  4. (no such step: the call ended)   {MARKER}"


def test_without_a_difference_nothing_is_marked_and_it_says_so() -> None:
    text = render_comparison("t", Side(CODE, (SUMMED,)), Side(CODE, (SUMMED,)))
    assert not marked(text) and "No step's values differ" in text


def test_a_side_without_calls_renders_nothing() -> None:
    assert render_comparison("t", Side(CODE, (SUMMED,)), Side(CODE, ())) == ""


def rejected(number: int, trace: str | None) -> Judged:
    verdict = Verdict("calc.total", "rejected", "tests", "test_total no longer passes")
    return Judged(Proposed(f"llm: round 1, reply {number}", "def total(xs): ..."), verdict, trace)


def test_the_model_gets_the_trace_after_the_reason() -> None:
    told = rejection_evidence(rejected(1, "Block trace in t.py::test_total ..."))
    assert told.endswith("test_total no longer passes\nBlock trace in t.py::test_total ...")


def test_a_prompt_carries_only_the_latest_traces() -> None:
    history = [rejected(n, f"trace {n}") for n in range(1, 5)]
    shown = [n for n, told in enumerate(_evidence(history, TRACES_SHOWN), 1) if "trace" in told]
    assert shown == [5 - TRACES_SHOWN + i for i in range(TRACES_SHOWN)]


def test_without_room_for_traces_the_prompt_carries_none() -> None:
    assert not any("trace" in told for told in _evidence([rejected(1, "trace 1")], 0))
