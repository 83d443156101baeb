import pytest
from tempstats import Summary, extremes, longest_warming, mean, summarize

JULY = [21.5, 24.0, 26.5, 25.0, 27.5, 29.0, 30.5]
WINTER = [-3.5, -7.0, -2.0, -4.5, -9.0]


def test_extremes_of_a_summer_week():
    assert extremes(JULY) == (21.5, 30.5)


def test_extremes_across_zero():
    assert extremes([-1.5, 3.0, 0.5]) == (-1.5, 3.0)


def test_no_readings():
    with pytest.raises(ValueError):
        extremes([])
    with pytest.raises(ValueError):
        mean([])


def test_mean():
    assert mean(JULY) == 26.3


def test_longest_warming():
    assert longest_warming(JULY) == 3
    assert longest_warming([5.0, 4.0, 3.0]) == 0


def test_summary_of_a_summer_week():
    assert summarize(JULY) == Summary(7, 21.5, 30.5, 26.3, 9.0, 3)


def test_extremes_of_a_winter_week():
    assert extremes(WINTER) == (-9.0, -2.0)


def test_summary_of_a_winter_week():
    summary = summarize(WINTER)
    assert (summary.high, summary.spread) == (-2.0, 7.0)
