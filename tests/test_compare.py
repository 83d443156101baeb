"""The efficiency rule: every candidate run below every baseline run, by at least the threshold."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from profilers.compare import DEFAULT_MIN_GAIN, compare, compare_counts
from profilers.counts import IncomparableCounts, InstructionCount, check_comparable

BASE = 1_000_000


def runs(value: int, k: int = 3) -> list[int]:
    return [value] * k


def count(
    value: int, counter: str = "callgrind", fingerprint: str = "cpython-3.12"
) -> InstructionCount:
    unit = "bytecodes" if counter == "bytecode" else "instructions"
    return InstructionCount(value, counter, unit, fingerprint, advisory=counter == "bytecode")


# exact counter: zero spread


@pytest.mark.parametrize("gain", [0.01, 0.03, 0.10])
def test_a_real_gain_under_an_exact_counter_is_accepted(gain: float) -> None:
    assert compare(runs(BASE), runs(round(BASE * (1 - gain)))).accepted


def test_identical_runs_are_rejected_as_overlap() -> None:
    assert compare(runs(BASE), runs(BASE)).decided_by == "overlap"


def test_a_slower_candidate_is_rejected_as_overlap() -> None:
    assert compare(runs(BASE), runs(BASE + 10_000)).decided_by == "overlap"


def test_a_slower_candidate_has_a_negative_gain() -> None:
    assert compare(runs(BASE), runs(BASE + 10_000)).gain == pytest.approx(-0.01)


def test_overlapping_ranges_are_rejected_even_with_a_better_median() -> None:
    assert compare([900, 1000, 1000], [800, 800, 950]).decided_by == "overlap"


def test_a_candidate_run_equal_to_a_baseline_run_is_not_below() -> None:
    assert compare([1000, 1100, 1100], [900, 900, 1000]).decided_by == "overlap"


def test_a_gain_below_min_gain_is_rejected_as_below_threshold() -> None:
    assert compare(runs(BASE), runs(BASE - 3_000)).decided_by == "below-threshold"


def test_a_gain_of_exactly_min_gain_is_accepted() -> None:
    assert compare(runs(BASE), runs(BASE - 5_000)).accepted


def test_min_gain_is_a_keyword() -> None:
    assert not compare(runs(BASE), runs(BASE - 30_000), min_gain=0.05).accepted


# noise: the threshold is max(min_gain, 3 x spread)

NOISY_BASE = [990_000, 1_000_000, 1_010_000]  # spread 2%, so the threshold is 6%


def test_the_spread_is_the_relative_range_of_the_noisiest_group() -> None:
    assert compare(NOISY_BASE, runs(930_000)).spread == pytest.approx(0.02)


def test_the_threshold_is_three_times_the_spread() -> None:
    assert compare(NOISY_BASE, runs(930_000)).threshold == pytest.approx(0.06)


def test_a_5_percent_gain_under_2_percent_spread_is_below_threshold() -> None:
    assert compare(NOISY_BASE, runs(950_000)).decided_by == "below-threshold"


def test_a_7_percent_gain_under_2_percent_spread_is_accepted() -> None:
    assert compare(NOISY_BASE, runs(930_000)).accepted


def test_candidate_spread_counts() -> None:
    assert compare(runs(BASE), [940_000, 950_000, 960_000]).decided_by == "below-threshold"


def test_without_aa_runs_a_5_percent_gain_is_accepted() -> None:
    assert compare(runs(BASE), runs(950_000)).accepted


def test_aa_run_spread_counts() -> None:
    aa = [[BASE, BASE], [985_000, 1_015_000]]
    assert compare(runs(BASE), runs(950_000), aa_runs=aa).decided_by == "below-threshold"


# one run per side: the spread is unknowable


def test_one_run_per_side_is_rejected_as_too_few_runs() -> None:
    assert compare([BASE], [900_000]).decided_by == "too-few-runs"


def test_one_run_per_side_says_why() -> None:
    assert "nothing shows the spread" in compare([BASE], [900_000]).reason


def test_one_run_per_side_with_aa_runs_is_judged() -> None:
    assert compare([BASE], [900_000], aa_runs=[[BASE, BASE]]).accepted


def test_one_candidate_run_is_judged_on_the_baseline_spread() -> None:
    assert compare(runs(BASE), [900_000]).accepted


def test_one_candidate_run_is_noted_in_the_reason() -> None:
    assert (
        "single run shows no spread: it comes from the baseline runs only"
        in compare(runs(BASE), [900_000]).reason
    )


def test_one_slower_run_per_side_is_still_overlap() -> None:
    assert compare([BASE], [BASE + 1]).decided_by == "overlap"


# the reason explains itself


def test_an_accepted_reason_quotes_the_ranges_gain_and_threshold() -> None:
    result = compare([1_131_002, 1_131_020, 1_131_050], [1_020_331, 1_020_390, 1_020_400])
    assert result.reason == (
        "accepted: every candidate run (1,020,331..1,020,400) is below every baseline run "
        "(1,131,002..1,131,050); median gain 9.8% >= threshold 0.5% "
        "(max of --min-gain 0.5% and 3 x spread 0.0%)."
    )


def test_an_overlap_reason_says_not_every_run_is_below() -> None:
    assert compare(runs(BASE), runs(BASE)).reason == (
        "rejected: not every candidate run (1,000,000) is below every baseline run (1,000,000); "
        "median gain 0.0%."
    )


def test_a_below_threshold_reason_names_the_spread() -> None:
    assert "median gain 5.0% < threshold 6.0% (max of --min-gain 0.5% and 3 x spread 2.0%)" in (
        compare(NOISY_BASE, runs(950_000)).reason
    )


def test_a_gain_and_threshold_that_round_alike_get_more_digits() -> None:
    assert "median gain 0.49% < threshold 0.50%" in compare(runs(BASE), runs(995_100)).reason


# invalid input


@pytest.mark.parametrize(
    ("baseline", "candidate", "message"),
    [
        ([], [1], "the baseline has no runs"),
        ([1], [], "the candidate has no runs"),
        ([1, 0], [1], "baseline run 2 is 0"),
        ([1], [-5], "candidate run 1 is -5"),
        ([1], [1.5], "positive whole numbers"),
    ],
)
def test_invalid_runs_are_errors(baseline: list[int], candidate: list[int], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compare(baseline, candidate)


def test_an_empty_aa_group_is_an_error() -> None:
    with pytest.raises(ValueError, match="A/A group 1 has no runs"):
        compare([2], [1], aa_runs=[[]])


@pytest.mark.parametrize("min_gain", [-0.1, 1.0])
def test_min_gain_outside_0_to_1_is_an_error(min_gain: float) -> None:
    with pytest.raises(ValueError, match="min_gain is a fraction"):
        compare([2], [1], min_gain=min_gain)


# comparability of counts


def test_counts_of_one_counter_and_interpreter_are_comparable() -> None:
    assert check_comparable([count(2)], [count(1)]) == ("callgrind", "instructions")


def test_counts_of_different_counters_are_incomparable() -> None:
    with pytest.raises(IncomparableCounts, match=r"different counters \(callgrind, perf\)"):
        check_comparable([count(2)], [count(1, counter="perf")])


def test_counts_of_different_interpreters_are_incomparable() -> None:
    with pytest.raises(IncomparableCounts, match=r"fingerprints cpython-3\.12, cpython-3\.13"):
        check_comparable([count(2)], [count(1, fingerprint="cpython-3.13")])


def test_an_aa_group_of_another_counter_is_incomparable() -> None:
    with pytest.raises(IncomparableCounts):
        compare_counts([count(2)], [count(1)], aa_runs=[[count(2, counter="perf")]])


def test_no_counts_at_all_is_an_error() -> None:
    with pytest.raises(ValueError, match="no counts to compare"):
        check_comparable([], [])


def test_compare_counts_compares_the_values() -> None:
    assert compare_counts([count(BASE)] * 3, [count(900_000)] * 3).gain == pytest.approx(0.1)


def test_advisory_counts_say_so_in_the_reason() -> None:
    bytecodes = compare_counts([count(BASE, "bytecode")] * 3, [count(900_000, "bytecode")] * 3)
    assert bytecodes.reason.endswith("bytecodes, advisory only: they cannot see work done in C.")


def test_a_bytecode_count_must_be_advisory() -> None:
    with pytest.raises(ValueError, match="advisory=True"):
        InstructionCount(1, "bytecode", "bytecodes", "cpython-3.12")


def test_a_unit_that_does_not_match_the_counter_is_an_error() -> None:
    with pytest.raises(ValueError, match="a perf count is in instructions"):
        InstructionCount(1, "perf", "bytecodes", "cpython-3.12")


def test_an_unknown_counter_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown counter 'wall'"):
        InstructionCount(1, "wall", "instructions", "cpython-3.12")


# properties

POSITIVE = st.integers(min_value=1, max_value=10**12)


@given(st.lists(POSITIVE, min_size=1, max_size=7))
def test_a_run_set_never_beats_itself(values: list[int]) -> None:
    assert not compare(values, values).accepted


@st.composite
def clear_gains(draw: st.DrawFn) -> tuple[list[int], list[int], float]:
    min_gain = draw(st.floats(min_value=0, max_value=0.5))
    v = draw(st.integers(min_value=4, max_value=10**12))
    w = draw(st.integers(min_value=1, max_value=math.ceil(v * (1 - min_gain - 1e-9)) - 1))
    k_base, k_cand = draw(st.integers(2, 5)), draw(st.integers(1, 5))
    return [v] * k_base, [w] * k_cand, min_gain


@given(clear_gains())
def test_identical_runs_with_a_clear_gain_are_accepted(
    case: tuple[list[int], list[int], float],
) -> None:
    baseline, candidate, min_gain = case
    assert compare(baseline, candidate, min_gain=min_gain).accepted


def test_default_min_gain_lets_a_1_percent_gain_through() -> None:
    assert DEFAULT_MIN_GAIN < 0.01
