import pytest
from scoresheet import mean, median, modes, progress, report


def test_mean():
    assert mean([70, 80, 90]) == 80


def test_median_of_an_odd_number_of_scores():
    assert median([90, 70, 80]) == 80


def test_median_of_an_even_number_of_scores():
    assert median([88, 61, 75, 93]) == 81.5


def test_no_scores():
    for statistic in (mean, median, progress):
        with pytest.raises(ValueError):
            statistic([])


def test_modes():
    assert modes([3, 1, 3, 2, 1]) == [1, 3]
    assert modes([]) == []


def test_progress():
    assert progress([60, 75, 72]) == 12


def test_report_of_improving_scores():
    assert report([55, 60, 60, 85]) == {
        "tests": 4,
        "mean": 65.0,
        "median": 60.0,
        "modes": [60],
        "progress": 30,
        "latest": 85,
    }


def test_median_leaves_the_scores_in_order():
    scores = [90, 70, 80]
    median(scores)
    assert scores == [90, 70, 80]


def test_report_of_falling_scores():
    summary = report([92, 85, 71])
    assert (summary["progress"], summary["latest"]) == (-21, 71)
