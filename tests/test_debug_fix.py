"""`ratchet debug`'s Mid tier end to end: the real `openai` client against the scripted server,
the real local sandbox, the real fix gate; and the judgement's strict parsing."""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from agent.llm.reply import ReplyError
from agent.llm.review import Review, parse_review
from agent.rewrite import function_source
from benchmarks.localize import task_repo
from tasks.debug import debug_tasks
from tests.conftest import docker_or_skip, git_init, write_tree
from tests.fake_llm import FakeLLM, Reply
from tests.test_cli import ratchet
from tests.test_debug import STATS, STATS_TESTS

BUGGY = "tests/test_stats.py::test_mean"
MEAN = "stats/__init__.py::mean"
# Passes test_mean but no longer guards the empty list: test_mean_of_none breaks.
BREAKS_ANOTHER = """\
def mean(values):
    total = 0
    for value in values:
        total += value
    return total / len(values)
"""
EDITS_THE_TEST = """\
def test_mean():
    assert mean([1, 2, 3]) == 1.5
"""
CORRECT = """\
def mean(values):
    if not values:
        return 0.0
    total = 0
    for value in values:
        total += value
    return total / len(values)
"""


def judgement(fix: str, wrong: int = 1, blocks: int = 5) -> Reply:
    verdicts = [
        {
            "block": number,
            "verdict": "wrong" if number == wrong else "correct",
            "explanation": "divides by one more than the count" if number == wrong else "fine",
        }
        for number in range(1, blocks + 1)
    ]
    return Reply(json.dumps({"blocks": verdicts, "fix": fix}))


def code(source: str, why: str = "divide by the count") -> Reply:
    return Reply(f"why: {why}\n```python\n{source}```\n")


@pytest.fixture
def buggy(tmp_path: Path) -> Path:
    root = write_tree(tmp_path, {"stats/__init__.py": STATS, "tests/test_stats.py": STATS_TESTS})
    git_init(root)
    return root


def debug_mid(
    root: Path, server: FakeLLM, *args: str, rounds: int = 3, sandbox: str = "local"
) -> tuple[int, str, str]:
    env = {
        "OPENAI_BASE_URL": server.url,
        "OPENAI_API_KEY": "sk-test",
        "RATCHET_MID_ROUNDS": str(rounds),
        "RATCHET_LLM_MAX_RETRIES": "0",
    }
    done = ratchet(
        "debug", str(root), "--sandbox", sandbox, "--budget", "mid", "--top", "3", *args,
        env=env, timeout=600,
    )  # fmt: skip
    return done.returncode, done.stdout, done.stderr


@pytest.mark.parametrize("sandbox", ["local", "docker"])
def test_a_fix_that_breaks_a_test_then_one_that_edits_a_test_then_a_correct_one(
    buggy: Path, sandbox: str
) -> None:
    if sandbox == "docker":
        docker_or_skip()
    script = [
        judgement(MEAN, blocks=3),
        code(BREAKS_ANOTHER),
        judgement("tests/test_stats.py::test_mean", blocks=3),
        code(EDITS_THE_TEST, "the test expects the wrong value"),
        judgement(MEAN, blocks=3),
        code(CORRECT),
    ]
    with FakeLLM(*script) as server:
        status, out, err = debug_mid(buggy, server, "--format", "json", "--apply", sandbox=sandbox)
    assert status == 0, err  # the fix was written: nothing is left failing
    fix = json.loads(out)["fix"]
    steps = [(a["status"], a["step"]) for a in fix["attempts"]]
    assert steps == [("rejected", "suite"), ("rejected", "tests"), ("accepted", "suite")], fix
    assert "test_mean_of_none" in fix["attempts"][0]["reason"]
    assert "test file" in fix["attempts"][1]["reason"]
    assert fix["verdict"] == "accepted" and fix["applied"] == ["stats/__init__.py"]
    assert "-        return total / (len(values) + 1)" in fix["patch"]
    assert fix["attempts"][2]["blocks"][0] == {
        "block": 1,
        "verdict": "wrong",
        "explanation": "divides by one more than the count",
    }

    first = server.requests[0]["messages"][-1]["content"]
    assert BUGGY in first and "tests/test_stats.py:5 in test_mean" in first
    assert (
        "[block 1] in stats/__init__.py::mean (line 8 of the file):" in first
        and "return = 1.5" in first
    )
    assert "site-packages" not in first  # the traceback's frames of the repo only
    round_two = server.requests[2]["messages"][-1]["content"]
    assert "was rejected at the suite step" in round_two and "test_mean_of_none" in round_two
    assert "ZeroDivisionError" in round_two and "<<ratchet" not in round_two
    traced = round_two.split("With this fix, tests/test_stats.py::test_mean ran", 1)
    assert len(traced) == 2, round_two
    assert "return = 2.0" in traced[1]  # the state the fix computed, not the original's 1.5
    assert "return total / len(values)" in traced[1]
    round_three = server.requests[4]["messages"][-1]["content"]
    assert "test file" in round_three

    written = (buggy / "stats/__init__.py").read_text()
    assert "return total / len(values)" in written and "len(values) + 1" not in written
    assert (buggy / "tests/test_stats.py").read_text().count("== 2") == 1  # the test untouched


def test_without_an_accepted_fix_the_rounds_and_reasons_are_reported(buggy: Path) -> None:
    script = [
        Reply("I think the bug is in the loop."),  # not JSON: fed back once
        judgement(MEAN, blocks=3),
        code(BREAKS_ANOTHER),
    ]
    with FakeLLM(*script) as server:
        status, out, err = debug_mid(buggy, server, rounds=1)
    assert status == 1, err
    assert "Fix (mid tier): none accepted in 1 round:" in out
    assert "round 1: rejected at suite: 1 test that passed before the fix no longer pass" in out
    assert "not one JSON object" in server.requests[1]["messages"][-1]["content"]
    assert "return total / (len(values) + 1)" in (buggy / "stats/__init__.py").read_text()


def test_apply_at_the_low_budget_is_one_sentence(buggy: Path) -> None:
    done = ratchet("debug", str(buggy), "--sandbox", "local", "--budget", "low", "--apply")
    assert done.returncode == 2 and "only the mid and high budgets propose one" in done.stderr


BLOCKS = (1, 2)


def verdicts(*items: dict[str, object], fix: object = MEAN) -> str:
    return json.dumps({"blocks": list(items), "fix": fix})


GOOD = {"block": 1, "verdict": "wrong", "explanation": "off by one"}
FINE = {"block": 2, "verdict": "Correct", "explanation": "sets the total"}


def test_a_judgement_is_read_bare_fenced_or_with_a_trailing_comma() -> None:
    trailing = verdicts(GOOD, FINE).replace("}]", "},\n]")
    for text in (verdicts(GOOD, FINE), f"```json\n{verdicts(GOOD, FINE)}\n```", trailing):
        review = parse_review(text, BLOCKS)
        assert isinstance(review, Review), review
        assert review.wrong == (1,) and review.fix == MEAN
        assert [v.verdict for v in review.verdicts] == ["wrong", "correct"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("The bug is in block 1.", "not one JSON object"),
        (f"Here: {verdicts(GOOD, FINE)}", "not one JSON object"),
        (json.dumps([GOOD, FINE]), 'no "blocks" list'),
        (verdicts(GOOD), "block 2 has no verdict"),
        (verdicts(GOOD, GOOD, FINE), "judged twice"),
        (verdicts(GOOD, {**FINE, "block": 7}), "block 7 is not one of the blocks shown"),
        (verdicts(GOOD, {**FINE, "verdict": "maybe"}), 'use "correct" or "wrong"'),
        (verdicts(GOOD, {**FINE, "explanation": ""}), "no explanation"),
        (verdicts(GOOD, {**FINE, "block": True}), '"block": the block\'s number'),
        (verdicts(GOOD, FINE, fix=None), '"fix" must be a string'),
    ],
)
def test_an_unreadable_judgement_says_what_was_wrong(text: str, says: str) -> None:
    problem = parse_review(text, BLOCKS)
    assert isinstance(problem, ReplyError) and says in problem.message


@pytest.mark.parametrize("name", ["ledger", "calclex", "invoicing"])  # a method, a hang, src/
def test_the_reference_fix_of_a_debug_task_is_accepted(name: str, tmp_path: Path) -> None:
    """The gate against the task suite's own answers: the planted bug's known fix, sent as the
    model's reply, passes every step (a gate that refused it would refuse any correct fix)."""
    task = next(t for t in debug_tasks() if t.name == name)
    fixed = tmp_path / "fixed"
    shutil.copytree(task.root, fixed)
    subprocess.run(["patch", "-s", "-p1", "-i", "fix.diff"], cwd=fixed, check=True)
    qualname = task.function.replace(".<locals>", "")
    source = function_source((fixed / task.file).read_text(), qualname, path=task.file)
    assert isinstance(source, str)
    repo = task_repo(task, tmp_path)
    script = [judgement(f"{task.file}::{task.function}", blocks=3), code(textwrap.dedent(source))]
    with FakeLLM(*script) as server:
        status, out, err = debug_mid(repo, server, "--format", "json", "--test-timeout", "3")
    assert status == 1, err  # failing tests found, and a fix proposed (not written)
    fix = json.loads(out)["fix"]
    assert fix["verdict"] == "accepted", fix["attempts"]
    assert f"+++ b/{task.file}" in fix["patch"]
