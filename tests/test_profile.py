"""`ratchet profile` end to end on the bundled example, and its errors, as a user runs them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import git_init, write_tree
from tests.test_cli import EXAMPLE, one_sentence_error, ratchet

README = (EXAMPLE / "README.md").read_text()
PLANTED = set(re.findall(r"^\| `(wordfreq\.[a-z_.]+)` \|", README, flags=re.M))


def test_the_readme_names_seven_planted_functions() -> None:
    assert len(PLANTED) == 7


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    svg = tmp_path_factory.mktemp("flame") / "profile.svg"
    done = ratchet(
        "profile",
        str(EXAMPLE),
        "--sandbox",
        "local",
        "--format",
        "json",
        "--top",
        "15",
        "--measure",
        "2",
        "--min-samples",
        "700",
        "--flamegraph",
        str(svg),
    )
    assert done.returncode == 0, done.stderr
    report: dict[str, object] = json.loads(done.stdout)
    report["_svg"] = svg
    return report


def test_the_planted_functions_are_the_top_hotspots_by_own_time(report: dict) -> None:
    by_self = sorted(report["hotspots"], key=lambda h: -h["self_share"])
    assert {h["function"] for h in by_self[:7]} == PLANTED


def test_every_planted_function_has_the_lines_it_ran_counted(report: dict) -> None:
    lines = {h["function"]: h["lines"] for h in report["hotspots"]}
    assert all(lines[name] > 0 for name in PLANTED) and report["lines"] >= sum(lines.values())


def test_hotspots_are_ordered_by_total_share(report: dict) -> None:
    shares = [h["total_share"] for h in report["hotspots"]]
    assert shares == sorted(shares, reverse=True)


def test_the_top_functions_have_callgrind_counts_and_their_tests(report: dict) -> None:
    measured = [h for h in report["hotspots"] if h["instructions"] is not None]
    assert report["counter"]["name"] == "callgrind" and len(measured) == 2
    assert all(h["instructions"] > 1_000_000 and h["tests"] for h in measured)


def test_the_flamegraph_is_written_with_speedscope_beside_it(report: dict) -> None:
    svg: Path = report["_svg"]  # type: ignore[assignment]
    assert svg.read_text().startswith("<svg") or "<svg" in svg.read_text()[:200]
    assert json.loads(svg.with_suffix(".speedscope.json").read_text())["profiles"]


@pytest.fixture(scope="module")
def odd_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(
        tmp_path_factory.mktemp("odd"),
        {
            "odd.py": "def used(n):\n    return sum(range(n))\n\n\ndef unused():\n    return 1\n",
            "test_odd.py": "from odd import used\n\n\ndef test_used():\n    assert used(10) == 45\n",
        },
    )
    git_init(root)
    return root


def test_an_unknown_function_is_one_sentence(odd_repo: Path) -> None:
    done = ratchet("profile", str(odd_repo), "--sandbox", "local", "--function", "odd.nope")
    assert "odd.nope was not found" in one_sentence_error(done)


def test_a_function_no_test_calls_is_one_sentence(odd_repo: Path) -> None:
    done = ratchet("profile", str(odd_repo), "--sandbox", "local", "--function", "odd.unused")
    assert "no test calls odd.unused" in one_sentence_error(done)


def test_an_unavailable_counter_is_one_sentence(odd_repo: Path) -> None:
    from profilers.hardware import probe

    if probe() is None:
        pytest.skip("this machine has hardware counters, so perf is available")
    done = ratchet(
        "profile",
        str(odd_repo),
        "--sandbox",
        "local",
        "--counter",
        "perf",
        "--function",
        "odd.used",
    )
    assert "the perf counter cannot run here" in one_sentence_error(done)
