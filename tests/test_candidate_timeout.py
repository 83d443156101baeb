"""A candidate's runs are bounded by the original's: a multiple of its wall time for the same kind
of run, never under a floor, never over the sandbox's limit; a candidate that hangs is rejected at
the step it hung in, with the bound named, long before the sandbox's 900 s."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from agent.config import resolve
from agent.gate.timeouts import FLOOR, MULTIPLE, Bound, hard_cap, ran_past
from agent.options import gate_options
from sandbox.base import RunResult
from tests.test_cli import verify_json
from tests.test_src_layout import SLOW, TESTS

HANGS = '''def dedupe(items):
    """The items without repeats, in first-seen order."""
    while True:
        pass
'''


def run(*, timed_out: bool = True, limit: str | None = "timeout") -> RunResult:
    return RunResult(("pytest",), -9, "", "", 60.0, timed_out=timed_out, limit=limit)


def test_a_quick_original_gives_a_candidate_the_floor() -> None:
    assert Bound(0.4, cap=900).seconds == FLOOR


def test_a_slower_original_gives_a_candidate_the_multiple_of_its_time() -> None:
    assert Bound(30.0, cap=900).seconds == MULTIPLE * 30.0


def test_the_cap_is_the_hard_limit_whatever_the_original_took() -> None:
    assert Bound(300.0, cap=900).seconds == 900


def test_the_defaults_are_generous_enough_for_a_loaded_machine() -> None:
    assert MULTIPLE >= 10 and FLOOR >= 60


def test_the_floor_bound_says_the_floor_and_the_originals_time() -> None:
    said = Bound(3.1, cap=900, measured="test suite").describe("the tests")
    assert said == (
        "the tests ran past 60 s, the floor of a candidate's run (10x the original's test "
        "suite, 3.1 s, is less): the candidate hangs or is far slower than the original."
    )


def test_the_multiple_bound_says_the_multiple() -> None:
    said = Bound(12.0, cap=900, measured="replay of them").describe("the replay")
    assert said.startswith("the replay ran past 120 s, 10x the original's replay of them (12 s):")


def test_the_capped_bound_names_the_timeout_setting() -> None:
    assert "the `timeout` setting" in Bound(300.0, cap=900).describe("the suite")


def test_the_cap_is_the_smallest_limit_given() -> None:
    assert (hard_cap(None, 900.0, 300.0), hard_cap(None, None)) == (300.0, math.inf)


def test_only_a_run_ended_by_its_timeout_ran_past_it() -> None:
    found = (ran_past(run()), ran_past(run(limit="memory")), ran_past(run(timed_out=False)))
    assert found == (True, False, False)


def test_the_bound_is_configured_in_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.ratchet]\ntimeout_multiple = 20\ntimeout_floor = 120\n"
    )
    options = gate_options(resolve(tmp_path, {}, {}))
    assert (options.timeout_multiple, options.timeout_floor) == (20, 120)


def hang_repo(root: Path) -> Path:
    """A tiny flat-layout library whose gate takes a few seconds, with a low floor so the test
    waits seconds, not a minute (the floor's default is tested above)."""
    (root / "minilib").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pyproject.toml").write_text("[tool.ratchet]\ntimeout_floor = 5\n")
    (root / "minilib" / "__init__.py").write_text('"""A tiny library."""\n')
    (root / "minilib" / "core.py").write_text(SLOW)
    (root / "tests" / "test_core.py").write_text(TESTS)
    return root


@pytest.mark.parametrize("box", ["local", pytest.param("docker", marks=pytest.mark.docker)])
def test_a_candidate_that_hangs_is_rejected_at_its_bound(
    box: str, tmp_path: Path, cache_dir: Path
) -> None:
    repo = hang_repo(tmp_path / "minilib")
    verdict, done = verify_json(repo, "minilib.core.dedupe", HANGS, box, cache_dir, timeout=300)
    assert (verdict["verdict"], verdict["step"]) == ("rejected", "tests"), done.stderr[-3000:]
    assert "dedupe ran past" in verdict["reason"] and "the candidate hangs" in verdict["reason"]
