import pytest
from spans import covers, gaps, merge, total_length


def test_overlapping_intervals_merge():
    assert merge([(1, 4), (2, 6)]) == [(1, 6)]


def test_disjoint_intervals_come_out_sorted():
    assert merge([(8, 9), (1, 2), (4, 5)]) == [(1, 2), (4, 5), (8, 9)]


def test_a_nested_interval_disappears():
    assert merge([(1, 10), (2, 3), (4, 12)]) == [(1, 12)]


def test_no_intervals():
    assert merge([]) == []


def test_backwards_interval_is_rejected():
    with pytest.raises(ValueError):
        merge([(5, 1)])


def test_touching_intervals_merge():
    assert merge([(1, 3), (3, 5)]) == [(1, 5)]


def test_total_length_counts_overlaps_once():
    assert total_length([(0, 10), (5, 15), (20, 25)]) == 20


def test_gaps_between_intervals():
    assert gaps([(0, 2), (1, 4), (9, 10), (6, 7)]) == [(4, 6), (7, 9)]


def test_touching_intervals_leave_no_gap():
    assert gaps([(1, 3), (3, 5), (7, 8)]) == [(5, 7)]


def test_covers_ends_and_middle():
    intervals = [(1, 3), (6, 8)]
    assert [covers(intervals, p) for p in (1, 3, 4, 7)] == [True, True, False, True]
