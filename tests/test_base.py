"""Workspace paths, run results, and the cgroup counters that name the limit a run hit."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.base import PreparedRepo, RunResult, inside_path
from sandbox.cgroups import count_after
from sandbox.docker import _parse_counters

V1_OOM_CONTROL = "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n"
V1_PIDS_EVENTS = "max 3\n"


@pytest.mark.parametrize(
    ("path", "expected"), [("a//b/./c", "a/b/c"), ("./a.py", "a.py"), ("a\\b.py", "a/b.py")]
)
def test_inside_path_normalises(path: str, expected: str) -> None:
    assert inside_path(path) == expected


@pytest.mark.parametrize("path", ["../x", "/etc/passwd", "a/../../b", "", "./"])
def test_inside_path_rejects_paths_that_leave_or_name_no_file(path: str) -> None:
    with pytest.raises(ValueError, match="not a path inside the workspace"):
        inside_path(path)


def test_a_prepared_repo_carries_its_layout_read_once(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\ntestpaths = tests\n")
    repo = PreparedRepo(tmp_path, ("pytest.ini", "tests/test_a.py", "bench/b.py"), "key")
    assert repo.layout.collect == ("tests", "bench")


def result(returncode: int = 0, timed_out: bool = False, limit: str | None = None) -> RunResult:
    return RunResult(("pytest", "-q"), returncode, "", "", 1.5, timed_out=timed_out, limit=limit)


def test_exit_zero_is_ok() -> None:
    assert result(0).ok


def test_nonzero_exit_is_not_ok() -> None:
    assert not result(1).ok


def test_timed_out_is_not_ok_even_with_exit_zero() -> None:
    assert not result(0, timed_out=True).ok


def test_describe_an_exit() -> None:
    assert result(2).describe() == "`pytest -q` exited 2 after 1.5s"


def test_describe_a_limit() -> None:
    assert (
        result(-9, limit="memory").describe() == "`pytest -q` ended at its memory limit after 1.5s"
    )


def test_describe_a_limit_then_the_timeout() -> None:
    described = result(-9, timed_out=True, limit="processes").describe()
    assert (
        described == "`pytest -q` hit its processes limit and was killed at its timeout after 1.5s"
    )


def test_describe_the_timeout_alone() -> None:
    described = result(-9, timed_out=True, limit="timeout").describe()
    assert described == "`pytest -q` ended at its timeout limit after 1.5s"


def test_count_after_finds_oom_kill_not_oom_kill_disable() -> None:
    assert count_after(V1_OOM_CONTROL, "oom_kill") == 1


def test_count_after_reads_pids_events() -> None:
    assert count_after(V1_PIDS_EVENTS, "max") == 3


def test_count_after_is_zero_when_the_word_is_absent() -> None:
    assert count_after("", "oom_kill") == 0


def test_docker_counters_parse_both_files_as_cat_prints_them() -> None:
    assert _parse_counters(V1_OOM_CONTROL + "--\n" + V1_PIDS_EVENTS) == (1, 3)


def test_docker_counters_do_not_take_memory_max_for_pids_max() -> None:
    v2_memory_events = "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\n"
    assert _parse_counters(v2_memory_events + "--\n" + "max 0\n") == (1, 0)


def test_docker_counters_are_zero_when_unreadable() -> None:
    assert _parse_counters("") == (0, 0)
