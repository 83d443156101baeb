"""`ratchet debug` and `ratchet trace` end to end, as a user runs them, in real sandboxes."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import pytest

from tests.conftest import docker_or_skip, git_init, write_tree
from tests.test_cli import one_sentence_error, ratchet

STATS = """\
    def mean(values):
        if not values:
            return 0.0
        total = 0
        for value in values:
            total += value
        if len(values) > 2:
            return total / (len(values) + 1)
        return total / len(values)


    def spread(values):
        low = min(values)
        high = max(values)
        return high - low
    """
STATS_TESTS = """\
    from stats import mean, spread


    def test_mean():
        assert mean([1, 2, 3]) == 2


    def test_mean_of_two():
        assert mean([2, 4]) == 3


    def test_mean_of_none():
        assert mean([]) == 0.0


    def test_spread():
        assert spread([1, 5, 3]) == 4


    def test_spread_of_one():
        assert spread([7]) == 0
    """


@pytest.fixture(scope="module")
def buggy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_tree(
        tmp_path_factory.mktemp("buggy"),
        {"stats/__init__.py": STATS, "tests/test_stats.py": STATS_TESTS},
    )
    git_init(root)
    return root


def debug(root: Path, *args: str, sandbox: str = "local") -> tuple[int, str, str]:
    done = ratchet("debug", str(root), "--sandbox", sandbox, *args, timeout=300)
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("sandbox", ["local", "docker"])
def test_the_faulty_block_ranks_first_with_its_state(buggy: Path, sandbox: str) -> None:
    if sandbox == "docker":
        docker_or_skip()
    code, out, err = debug(buggy, "--format", "json", sandbox=sandbox)
    assert code == 1, err
    report = json.loads(out)
    assert report["version"] == 1 and report["fix"] is None
    assert [t["nodeid"] for t in report["failing_tests"]] == ["tests/test_stats.py::test_mean"]
    assert "assert 1.5 == 2" in report["failing_tests"][0]["message"]
    first = report["blocks"][0]
    assert (first["file"], first["function"], first["start_line"]) == (
        "stats/__init__.py",
        "mean",
        8,
    )
    assert first["rank"] == 1 and first["score"] == 1.0
    assert first["state"] and first["state"][-1]["values"].get("return") == "1.5"
    assert [b["rank"] for b in report["blocks"]] == list(range(1, len(report["blocks"]) + 1))
    assert all(b["function"] == "mean" for b in report["blocks"])  # spread: passing tests only
    assert all(b["score"] < 1.0 for b in report["blocks"][1:])  # blocks passing tests ran too


def test_text_shows_the_failure_the_blocks_and_what_to_run_next(buggy: Path) -> None:
    code, out, err = debug(buggy)
    assert code == 1, err
    assert "1 failing test (4 passed)" in out and "assert 1.5 == 2" in out
    assert re.search(r" 1\. stats/__init__.py:8  mean  score 1\.00", out), out
    assert "| return total / (len(values) + 1)" in out
    assert "ratchet trace" in err and "--function stats.mean" in err


def test_vscode_lines_are_file_line_col_severity_message(buggy: Path) -> None:
    code, out, err = debug(buggy, "--format", "vscode")
    assert code == 1, err
    lines = out.splitlines()
    assert lines and all(re.match(r"^[^:]+:\d+:\d+: (error|warning|info): ", x) for x in lines)
    assert lines[0].startswith("tests/test_stats.py:5:1: error: tests/test_stats.py::test_mean")
    assert lines[1].startswith("stats/__init__.py:8:1: warning: suspicious block #1 in mean")


def test_a_passing_test_is_nothing_to_debug(buggy: Path) -> None:
    code, out, err = debug(buggy, "--test", "tests/test_stats.py::test_spread")
    assert code == 0, err
    assert out.strip() == "nothing to debug: tests/test_stats.py::test_spread passed"


def test_an_unknown_test_is_one_sentence(buggy: Path) -> None:
    done = ratchet("debug", str(buggy), "--sandbox", "local", "--test", "tests/test_stats.py::nope")
    assert "no test tests/test_stats.py::nope ran" in one_sentence_error(done)


def test_a_hang_is_failed_by_the_timeout_and_reported_as_one(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "loops.py": """\
                def countdown(n):
                    steps = 0
                    while n > 0:
                        steps += 1
                    return steps
                """,
            "test_loops.py": """\
                from loops import countdown

                def test_zero():
                    assert countdown(0) == 0

                def test_three():
                    assert countdown(3) == 3
                """,
        },
    )
    code, out, err = debug(root, "--format", "json", "--test-timeout", "2")
    assert code == 1, err
    report = json.loads(out)
    (failing,) = report["failing_tests"]
    assert failing["nodeid"] == "test_loops.py::test_three" and failing["hang"]
    assert "still running after 2 s" in failing["message"]
    assert report["blocks"][0]["start_line"] == 4  # the loop body it was stuck in


@pytest.mark.parametrize("how", ["os._exit(3)", "__import__('ctypes').string_at(0)"])
def test_a_crash_is_reported_with_its_test_and_no_traceback_of_ours(
    tmp_path: Path, how: str
) -> None:
    root = write_tree(
        tmp_path,
        {
            "boom.py": f"import os\n\n\ndef boom():\n    {how}\n",
            "test_boom.py": "from boom import boom\n\n\ndef test_fine():\n    pass\n\n\n"
            "def test_boom():\n    boom()\n",
        },
    )
    code, out, err = debug(root, "--format", "json")
    assert code == 1, err
    report = json.loads(out)
    assert report["crash"]["test"] == "test_boom.py::test_boom"
    assert "Traceback" not in err and "Traceback" not in out
    code, out, err = debug(root)
    assert "the test run ended in test_boom.py::test_boom" in out


def test_a_suite_that_does_not_collect_is_an_error_not_nothing_to_debug(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "mod.py": "def f(x):\n    return x\n",
            "test_mod.py": "import mod\nimport no_such_package\n\n\ndef test_f():\n"
            "    assert mod.f(1) == 1\n",
        },
    )
    done = ratchet("debug", str(root), "--sandbox", "local")
    sentence = one_sentence_error(done)
    assert "the test suite did not run" in sentence
    assert "test_mod.py" in sentence and "No module named 'no_such_package'" in sentence
    assert "nothing to debug" not in done.stdout


def test_trace_shows_each_block_then_the_state_after_it(buggy: Path) -> None:
    done = ratchet(
        "trace", str(buggy), "--sandbox", "local", "--function", "stats.mean",
        "--test", "tests/test_stats.py::test_mean",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "call 1: mean(values=[1, 2, 3]) in tests/test_stats.py::test_mean: returned 1.5" in out
    assert "| total += value" in out and "-> total = 6" in out
    assert out.index("-> total = 1") < out.index("-> total = 3") < out.index("-> total = 6")


def test_trace_json_holds_the_graph_and_every_step(buggy: Path) -> None:
    done = ratchet(
        "trace", str(buggy), "--sandbox", "local", "--function", "stats.mean", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    traced = json.loads(done.stdout)
    assert traced["version"] == 1 and traced["file"] == "stats/__init__.py"
    blocks = {b["index"]: b for b in traced["blocks"]}
    calls = traced["calls"]  # without --test: the first tests that call it, in order
    assert [c["test"].split("::")[1] for c in calls] == [
        "test_mean", "test_mean_of_two", "test_mean_of_none"
    ]  # fmt: skip
    for call in calls:
        assert call["outcome"] == "returned" and call["steps"]
        for before, after in itertools.pairwise(call["steps"]):
            assert after["block"] in blocks[before["block"]]["successors"]
        assert call["total"] == len(call["steps"]) + call["skipped"]
    assert calls[2]["steps"][-1]["state"] == {"return": "0.0"}


def test_trace_of_an_unknown_function_is_one_sentence(buggy: Path) -> None:
    done = ratchet("trace", str(buggy), "--sandbox", "local", "--function", "stats.median")
    assert "stats.median" in one_sentence_error(done)
