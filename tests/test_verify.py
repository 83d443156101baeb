"""`ratchet verify` as a user runs it: a real subprocess on a git copy of the bundled example,
in the Docker sandbox with callgrind. The user's tree is hashed before and after."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import docker_or_skip, git_init
from tests.test_cli import EXAMPLE, ratchet

FASTER = """\
def unique_words(words: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(words))
"""
WRONG = """\
def unique_words(words: Iterable[str]) -> list[str]:
    return sorted(set(words))
"""
FAST = ("--runs", "2", "--generate-examples", "20", "--sandbox", "docker")


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("verify") / "example"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    git_init(root)
    return root


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "candidate.py"
    path.write_text(text)
    return path


@pytest.mark.docker
@pytest.mark.slow
def test_verify_accepts_a_faster_rewrite_and_leaves_the_tree_alone(
    repo: Path, tmp_path: Path, cache_dir: Path
) -> None:
    docker_or_skip()
    before = tree_digest(repo)
    args = (
        "--function",
        "wordfreq.filters.unique_words",
        "--candidate",
        str(write(tmp_path, FASTER)),
    )
    done = ratchet("verify", str(repo), *args, *FAST, "--format", "json", cache=cache_dir)
    report = json.loads(done.stdout)
    instructions = report["instructions"]
    assert (done.returncode, report["verdict"], report["step"]) == (0, "accepted", "efficiency"), (
        done.stderr
    )
    assert sorted(report) == sorted(
        ["version", "function", "verdict", "step", "reason", "evidence", "tests", "behaviour",
         "instructions", "rests_on", "patch", "seconds"]
    )  # fmt: skip
    rests_on = report["rests_on"]
    assert rests_on["measured_runs"] >= 2 and rests_on["measured_calls_per_run"] > 0, rests_on
    assert rests_on["recorded_calls_compared"] > 0 and rests_on["whole_process_runs"] == 1, rests_on
    assert max(instructions["after"]) < min(instructions["before"]) and instructions["gain"] > 0.5
    assert report["tests"]["passed"] == report["tests"]["baseline_passed"] > 0
    assert report["behaviour"]["calls_replayed"] > 0 and report["behaviour"]["mismatches"] == 0
    assert "+    return list(dict.fromkeys(words))" in report["patch"]
    assert tree_digest(repo) == before


@pytest.mark.docker
def test_verify_rejects_a_wrong_rewrite_with_exit_1_and_the_failing_test(
    repo: Path, tmp_path: Path, cache_dir: Path
) -> None:
    docker_or_skip()
    before = tree_digest(repo)
    args = (
        "--function",
        "wordfreq.filters.unique_words",
        "--candidate",
        str(write(tmp_path, WRONG)),
    )
    done = ratchet("verify", str(repo), *args, *FAST, cache=cache_dir)
    assert (done.returncode, done.stdout.splitlines()[0]) == (
        1,
        "wordfreq.filters.unique_words: REJECTED at step tests",
    ), done.stderr
    assert "test_unique_words_keeps_first_appearance_order" in done.stdout
    assert tree_digest(repo) == before


def test_verify_of_an_unknown_function_is_an_error_with_exit_2(
    repo: Path, tmp_path: Path, cache_dir: Path
) -> None:
    args = ("--function", "wordfreq.nothing.here", "--candidate", str(write(tmp_path, FASTER)))
    done = ratchet(
        "verify", str(repo), *args, "--sandbox", "local", "--format", "json", cache=cache_dir
    )
    assert (done.returncode, json.loads(done.stdout)["verdict"]) == (2, "error")
    assert done.stderr.splitlines()[-1].startswith(
        "ratchet: error: wordfreq.nothing.here was not found"
    )


def test_verify_without_a_candidate_says_what_is_missing(repo: Path, cache_dir: Path) -> None:
    done = ratchet("verify", str(repo), "--function", "wordfreq.text.normalize", cache=cache_dir)
    assert done.returncode == 2 and "--candidate" in done.stderr


SKIPS = (Path(__file__).parent / "gate_corpus" / "hack_pytest_skip.py").read_text()


@pytest.mark.docker
@pytest.mark.slow
def test_several_candidates_share_one_baseline_and_the_screen_costs_no_sandbox(
    repo: Path, tmp_path: Path, cache_dir: Path
) -> None:
    docker_or_skip()
    files = []
    for name, text in [("faster", FASTER), ("skips", SKIPS), ("wrong", WRONG)]:
        files += ["--candidate", str(tmp_path / f"{name}.py")]
        (tmp_path / f"{name}.py").write_text(text)
    args = ("--function", "wordfreq.filters.unique_words", *files, *FAST, "--format", "json")
    done = ratchet("verify", str(repo), *args, cache=cache_dir)
    verdicts = json.loads(done.stdout)["verdicts"]
    assert [(v["verdict"], v["step"]) for v in verdicts] == [
        ("accepted", "efficiency"),
        ("rejected", "screen"),
        ("rejected", "tests"),
    ], done.stderr
    assert sorted(verdicts[1]["seconds"]) == ["apply", "screen"]  # no sandbox step ran
    assert (done.returncode, done.stderr.count("calls recorded")) == (1, 1), done.stderr
