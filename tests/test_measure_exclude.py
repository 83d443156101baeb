"""Tests that cannot pass under instrumentation (a wall-clock assertion under callgrind's ~75x)
are named and left out of the measured workload instead of failing the baseline; the setting
`measure_exclude` leaves out tests by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import resolve
from agent.gate.baseline import excluded
from tests.test_cli import verify_json
from tests.test_src_layout import FAST, SLOW

TESTS = """import time

from minilib.core import dedupe


def test_dedupe_keeps_first_seen_order():
    assert dedupe([3, 1, 3, 2, 1]) == [3, 1, 2]


def test_dedupe_many():
    assert dedupe(list(range(300)) * 3) == list(range(300))


def test_dedupe_is_quick():
    started = time.perf_counter()
    for _ in range(40):
        dedupe(list(range(100)) * 2)
    # ~6 ms alone (16x under the bound), ~0.5 s under callgrind (5x over it): a bound set
    # from a measurement, so the test is deterministic on an idle machine and a loaded one
    assert time.perf_counter() - started < 0.1
"""


def clock_repo(root: Path) -> Path:
    (root / "minilib").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "minilib" / "__init__.py").write_text('"""A tiny library."""\n')
    (root / "minilib" / "core.py").write_text(SLOW)
    (root / "tests" / "test_core.py").write_text(TESTS)
    return root


@pytest.mark.parametrize(
    ("test", "patterns", "expected"),
    [
        ("tests/test_a.py::test_x", ("tests/test_a.py::test_x",), True),
        ("tests/test_a.py::test_x", ("tests/test_a.py",), True),
        ("tests/test_a.py::TestC::test_x", ("tests/test_a.py::TestC",), True),
        ("tests/unit/test_a.py::test_x", ("tests/",), True),
        ("tests/test_a.py::test_x", ("tests/test_a.py::test_x2",), False),
        ("tests/test_ab.py::test_x", ("tests/test_a",), False),
        ("tests/test_a.py::test_x", (), False),
    ],
)
def test_a_pattern_names_a_test_or_what_holds_it(
    test: str, patterns: tuple[str, ...], expected: bool
) -> None:
    assert excluded(test, patterns) is expected


def test_the_environment_names_tests_separated_by_commas(tmp_path: Path) -> None:
    settings = resolve(tmp_path, {"RATCHET_MEASURE_EXCLUDE": "tests/a.py, tests/b.py::t"}, {})
    assert settings.measure_exclude == ("tests/a.py", "tests/b.py::t")


def test_pyproject_names_tests_as_a_list(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ratchet]\nmeasure_exclude = ["tests/a.py"]\n')
    assert resolve(tmp_path, {}, {}).measure_exclude == ("tests/a.py",)


@pytest.mark.parametrize("box", ["local", pytest.param("docker", marks=pytest.mark.docker)])
def test_a_wall_clock_test_is_left_out_of_the_measured_workload_with_a_note(
    box: str, tmp_path: Path, cache_dir: Path
) -> None:
    repo = clock_repo(tmp_path / "minilib")
    verdict, run = verify_json(repo, "minilib.core.dedupe", FAST, box, cache_dir)
    said = run.stderr
    assert (verdict["verdict"], verdict["step"]) == ("accepted", "efficiency"), verdict["reason"]
    assert "tests/test_core.py::test_dedupe_is_quick is left out of the measured workload" in said
    assert "fails while measured (assert (" in said, said[-2000:]
