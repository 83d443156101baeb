"""A rejected candidate's block trace reaches the model: a Mid-tier optimize run in the local
sandbox, the real `openai` client against the scripted server, whose first two candidates are
wrong (one fails a test, one differs on a recorded call); the second request carries the
original's and each candidate's trace on that input, the first differing step marked."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.gate import GateOptions, Target
from agent.llm import LLMClient, Tier
from agent.optimize import OptimizeOptions, optimize
from agent.optimize.evidence import MARKER
from agent.optimize.explain import take_side
from sandbox.base import Session
from tests.conftest import git_init, make, write_tree
from tests.fake_llm import FakeLLM, Reply

REPO = {
    "calc/__init__.py": """\
        def total(xs):
            s = 0
            for x in xs:
                s += x
            return s
        """,
    "tests/test_calc.py": """\
        from calc import total

        def test_total():
            assert total([1, 2, 3]) == 6

        def test_total_of_fractions_runs():
            total([0.5, 0.25])  # no assertion: only the recorded call knows the answer
        """,
}
SKIPS_FIRST = "def total(xs):\n    s = 0\n    for x in xs[1:]:\n        s += x\n    return s\n"
TRUNCATES = "def total(xs):\n    s = 0\n    for x in xs:\n        s += int(x)\n    return s\n"


def reply(code: str) -> Reply:
    return Reply(f"why: faster\n```python\n{code}```\n")


def run_mid_tier(root: Path, cache_dir: Path) -> tuple[list[str], list[str]]:
    """The progress lines of the run and the last message of each request the server got."""
    said: list[str] = []
    # round 2 sends the same two candidates again: dropped as repeats, so nothing more runs
    script = [reply(SKIPS_FIRST), reply(TRUNCATES)] * 2
    options = OptimizeOptions(
        functions=("calc.total",), runs=2, counter="bytecode", gate=GateOptions(generate_examples=0)
    )
    tier = Tier("mid", "small-model", 2, 2, "medium")
    with FakeLLM(*script) as server, make("local", cache_dir).prepare(root) as session:
        llm = LLMClient(base_url=server.url, api_key="sk-test", timeout=5.0, backoff=0.01)
        with llm:
            optimize(session, options, tier, llm, progress=said.append)
    return said, [r["messages"][-1]["content"] for r in server.requests]


def test_the_next_request_carries_both_traces_with_the_first_difference_marked(
    tmp_path: Path, cache_dir: Path
) -> None:
    root = write_tree(tmp_path / "calc", REPO)
    git_init(root)
    said, (_, prompt) = run_mid_tier(root, cache_dir)
    marked = [line.strip().removesuffix(MARKER).strip() for line in prompt.splitlines()
              if line.endswith(MARKER)]  # fmt: skip
    pairs = sorted(zip(marked[::2], marked[1::2], strict=True))  # (original, candidate)
    assert pairs == [
        ("2. `for x in xs:`  => x = 1", "2. `for x in xs[1:]:`  => x = 2"),  # fails test_total
        ("3. `s += x`  => s = 0.5", "3. `s += int(x)`  => s = 0"),  # differs on the fractions
    ], prompt
    assert "in tests/test_calc.py::test_total_of_fractions_runs, call 1 of 1" in prompt
    # traced once, before the second round; not after the last
    assert sum("block by block" in line for line in said) == 1, said


TRIPLE = "def double(x):\n    return 2 * x\n\n\ndef triple(x):\n    return 3 * x\n"


@pytest.mark.parametrize(
    ("function", "test"),
    [
        ("triple", "tests/test_mathy.py::test_double"),  # the test never calls it
        ("double", "tests/test_mathy.py::test_missing"),  # no such test runs
        ("halve", "tests/test_mathy.py::test_double"),  # not in the module at all
    ],
)
def test_a_trace_that_cannot_be_taken_is_none_and_the_run_goes_on(
    session: Session, function: str, test: str
) -> None:
    target = Target(f"mathy.{function}", "mathy/__init__.py", function, TRIPLE.encode())
    files = {target.path: target.source}
    assert take_side(session, target, test, target.source, files, 60.0) is None


def test_a_trace_that_can_be_taken_has_the_calls_and_the_code(session: Session) -> None:
    target = Target("mathy.double", "mathy/__init__.py", "double", TRIPLE.encode())
    side = take_side(session, target, "tests/test_mathy.py::test_double", target.source, {}, 60.0)
    assert side is not None and side.code == ("return 2 * x",)
    assert [call.returned for call in side.calls] == ["42"]
