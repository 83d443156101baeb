"""py-spy for real, in both sandboxes: a planted busy loop must come out on top."""

from __future__ import annotations

import textwrap

import pytest

from profilers.hotspots import rank_hotspots
from profilers.pyspy import ProfilingError, Recording, launch, record
from sandbox.base import Session

BUSY = {
    "mathy/busy.py": """\
        def spin(n):
            total = 0
            for i in range(n):
                total += i * i % 7
            return total


        def idle_helper():
            return sorted(range(10))
        """,
    "tests/test_busy.py": """\
        from mathy import double
        from mathy.busy import idle_helper, spin


        def test_spin():
            assert spin(2_000_000) > 0
            assert idle_helper()[0] == 0
            assert double(2) == 4
        """,
}
FAILING = {"tests/test_fails.py": "def test_fails():\n    assert sum(range(10**6)) < 0\n"}
PYTEST = ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"]


def changes(files: dict[str, str]) -> dict[str, bytes]:
    return {path: textwrap.dedent(text).encode() for path, text in files.items()}


def sources(session: Session, files: dict[str, str]) -> dict[str, str]:
    repo = session.repo
    found = {f: (repo.root / f).read_text() for f in repo.files if f.endswith(".py")}
    return found | {path: textwrap.dedent(text) for path, text in files.items()}


def profile(session: Session, files: dict[str, str], argv: list[str]) -> tuple[Recording, str]:
    with session.workspace(changes(files), profiling=True) as ws:
        return record(ws, argv, rate=250, timeout=120), ws.root


@pytest.fixture(scope="module")
def busy(session: Session) -> tuple[Recording, str]:
    """The busy-loop test, profiled; and the workspace root its process saw."""
    return profile(session, BUSY, [*PYTEST, "tests/test_busy.py"])


@pytest.fixture(scope="module")
def failing(session: Session) -> Recording:
    return profile(session, FAILING, PYTEST)[0]


def test_the_busy_loop_is_the_top_hotspot(session: Session, busy: tuple[Recording, str]) -> None:
    recording, root = busy
    hotspots = rank_hotspots(recording.stacks, root, sources(session, BUSY))
    assert hotspots[0].function == "mathy.busy.spin", recording.collapsed[-2000:]


def test_samples_are_many_at_the_rate_asked_for(busy: tuple[Recording, str]) -> None:
    assert sum(stack.count for stack in busy[0].stacks) >= 50


def test_passing_tests_exit_zero(busy: tuple[Recording, str]) -> None:
    assert busy[0].result.returncode == 0, busy[0].result.stdout


def test_failing_tests_are_a_result_not_an_error(failing: Recording) -> None:
    assert failing.result.returncode == 1, failing.result.stdout


def test_the_result_shows_the_profiled_command(failing: Recording) -> None:
    assert failing.result.argv == tuple(PYTEST)


def test_a_console_script_exits_as_it_does_unprofiled(session: Session) -> None:
    argv = ["pytest", "-q", "-p", "no:cacheprovider"]  # sys.path differs from python -m pytest
    with session.workspace(changes(FAILING), profiling=True) as ws:
        plain, profiled = ws.run(argv), record(ws, argv, timeout=120).result
    assert profiled.returncode == plain.returncode != 0, profiled.stdout


def test_a_command_that_outlives_its_timeout_says_what_to_do(session: Session) -> None:
    with (
        session.workspace(profiling=True) as ws,
        pytest.raises(ProfilingError, match="longer timeout"),
    ):
        record(ws, ["python", "-c", "while True: pass"], timeout=3)


def test_the_launcher_keeps_interpreter_options_before_it() -> None:
    argv = launch(["python3", "-X", "dev", "-u", "-m", "pytest", "-q"], "/ws/status")
    assert argv[:5] + argv[6:] == [
        "python3",
        "-X",
        "dev",
        "-u",
        "-c",
        "/ws/status",
        "-m",
        "pytest",
        "-q",
    ]


def test_another_script_gets_its_values_before_the_command() -> None:
    argv = launch(["python", "-m", "pytest"], "/ws/a", "/ws/b", script="S")
    assert argv == ["python", "-c", "S", "/ws/a", "/ws/b", "-m", "pytest"]


def test_the_launcher_runs_a_script_on_path_with_python() -> None:
    assert launch(["pytest", "-q"], "/s")[-3:] == ["path", "pytest", "-q"]


def test_a_command_without_a_program_is_refused() -> None:
    with pytest.raises(ValueError, match="names no module"):
        launch(["python", "-u"], "/s")
