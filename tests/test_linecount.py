"""The line counter for real, in both sandboxes: exact counts, the same every run, so the targets
`ratchet optimize` picks come out in the same order from two profiles of the same code."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from agent.optimize.targets import from_hotspots
from agent.profiling import ProfileOptions, hotspots, sources_of
from profilers.hotspots import lines_per_function
from profilers.linecount import LineCount, count_lines
from profilers.pyspy import ProfilingError
from sandbox.base import Session
from tests.conftest import git_init, make, write_tree

# Three loops of near-equal cost, which sampling orders differently every run; as counted, a
# loop of n turns runs 2n + 3 lines (its `for` line once more than its body, to end), and
# in_a_thread's three lines are under a thousandth of the lines run: not hot.
WORK = {
    "work/__init__.py": """\
        import threading


        def loop(n):
            total = 0
            for i in range(n):
                total += i
            return total


        def a():
            total = 0
            for i in range(20_100):
                total += i
            return total


        def b():
            total = 0
            for i in range(20_000):
                total += i
            return total


        def c():
            total = 0
            for i in range(19_900):
                total += i
            return total


        def squares(n):
            return [i * i for i in range(n)]


        def in_a_thread():
            worker = threading.Thread(target=loop, args=(10,))
            worker.start()
            worker.join()
        """,
    "tests/test_work.py": """\
        from work import a, b, c, in_a_thread, loop, squares


        def test_work():
            assert c() and b() and a() and squares(1000)


        def test_thread():
            in_a_thread()


        def test_loop():
            assert loop(1000) == 499500
        """,
}
PYTEST = ["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"]
FILES = ["work/__init__.py"]


@pytest.fixture(scope="module", params=["local", pytest.param("docker", marks=pytest.mark.docker)])
def work(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Session]:
    root = write_tree(tmp_path_factory.mktemp("work"), WORK)
    git_init(root)
    with make(request.param, tmp_path_factory.mktemp("cache")).prepare(root) as session:
        yield session


def counted(session: Session, argv: list[str]) -> tuple[LineCount, dict[str, int]]:
    """The counted run, and {function: lines}."""
    with session.workspace() as ws:
        found = count_lines(ws, argv, FILES, timeout=120)
        root = ws.root
    lines = lines_per_function(found.stacks, root, sources_of(session))
    return found, {definition.name: n for (_, definition), n in lines.items()}


@pytest.fixture(scope="module")
def suite(work: Session) -> tuple[LineCount, dict[str, int]]:
    return counted(work, PYTEST)


def test_a_loop_runs_exactly_its_lines(work: Session) -> None:
    _, lines = counted(work, [*PYTEST, "tests/test_work.py::test_loop"])
    assert lines == {"work.loop": 2 * 1000 + 3}


def test_a_comprehension_counts_a_line_per_item(suite: tuple[LineCount, dict[str, int]]) -> None:
    assert suite[1]["work.squares"] > 1000


def test_lines_run_in_another_thread_are_counted(work: Session) -> None:
    _, lines = counted(work, [*PYTEST, "tests/test_work.py::test_thread"])
    assert lines["work.loop"] == 2 * 10 + 3


def test_the_tests_own_lines_are_not_counted(suite: tuple[LineCount, dict[str, int]]) -> None:
    assert not any("test_work.py" in str(stack.frames[0].file) for stack in suite[0].stacks)


def test_two_counts_of_the_same_code_are_identical(
    work: Session, suite: tuple[LineCount, dict[str, int]]
) -> None:
    assert counted(work, PYTEST)[0].stacks == suite[0].stacks


def test_the_counted_command_passes_as_it_does_uncounted(
    suite: tuple[LineCount, dict[str, int]],
) -> None:
    found = suite[0]
    assert (found.result.returncode, found.off, found.replaced) == (0, 0, False), (
        found.result.stdout
    )


def test_two_profiles_of_the_same_code_give_the_same_targets(work: Session) -> None:
    options = ProfileOptions(min_samples=1, max_runs=1)
    first, second = (
        [plan.function for plan in from_hotspots(hotspots(work, options)[2])] for _ in range(2)
    )
    assert first == second == ["work.a", "work.b", "work.c", "work.loop", "work.squares"]


def test_a_failing_command_is_a_result_not_an_error(work: Session) -> None:
    found, _ = counted(work, ["python", "-c", "raise SystemExit(3)"])
    assert found.result.returncode == 3


def test_counting_comes_back_after_the_command_switches_it_off(work: Session) -> None:
    code = "import sys; sys.settrace(None); import work; work.loop(5)"  # import: an audit event
    found, lines = counted(work, ["python", "-c", code])
    assert (found.off, lines) == (1, {"work.loop": 2 * 5 + 3})


def test_counting_comes_back_after_a_recursion_error_inside_the_counter(work: Session) -> None:
    code = (
        "import sys, work\n"
        "def deep(): deep()\n"
        "try: deep()\n"
        "except RecursionError: pass\n"
        "open(sys.executable).close()\n"  # an audit event
        "work.loop(5)\n"
    )
    found, lines = counted(work, ["python", "-c", code])
    assert found.off >= 1 and lines == {"work.loop": 2 * 5 + 3}


def test_a_trace_function_of_the_commands_own_is_said(work: Session) -> None:
    found, _ = counted(work, ["python", "-c", "import sys; sys.settrace(lambda *a: None)"])
    assert found.replaced


def test_a_command_that_outlives_its_timeout_says_what_to_do(work: Session) -> None:
    with work.workspace() as ws, pytest.raises(ProfilingError, match="longer timeout"):
        count_lines(ws, ["python", "-c", "while True: pass"], FILES, timeout=3)
