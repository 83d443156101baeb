"""`ratchet optimize` end to end: the Low tier on the bundled example through the CLI, the Mid
and High tiers through the real `openai` client against a local server that replays scripted
replies, and the bad inputs a user meets first."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.gate import GateOptions
from agent.llm import Limits, LLMClient, Tier
from agent.optimize import OptimizeOptions, RunReport, optimize
from sandbox import Limits as SandboxLimits
from sandbox.base import Session
from tests.conftest import git_init, make, write_tree
from tests.fake_llm import Delay, FakeLLM, Reply, Status
from tests.test_cli import EXAMPLE, ratchet

NGRAMS = "wordfreq.text.ngrams"
SIGNATURE = "def ngrams(words: Sequence[str], n: int) -> list[tuple[str, ...]]:\n"
CHECK = '    if n < 1:\n        raise ValueError(f"n-grams need n of at least 1, got n={n}")\n'
FASTER = (
    SIGNATURE + CHECK + "    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]\n"
)
FASTER_ZIP = SIGNATURE + CHECK + "    return list(zip(*(words[i:] for i in range(n))))\n"
WRONG = SIGNATURE + "    return [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]\n"
SLOWER = (
    SIGNATURE
    + CHECK
    + "    grams = []\n    for i in range(len(words) - n + 1):\n"
    + "        grams.append(tuple(list(words[i : i + n])))\n    return list(grams)\n"
)
UNPARSEABLE = "I would slide a window over the words with zip; that should be faster."
LIMITS = SandboxLimits(timeout=300, memory_mb=1536, pids=128, cpus=2.0, output_bytes=256 * 1024)
QUICK = GateOptions(generate_examples=50)


def reply(code: str, why: str = "faster") -> Reply:
    return Reply(f"why: {why}\n```python\n{code}```\n")


def copy_example(root: Path) -> Path:
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("__pycache__", ".pytest_cache"))
    git_init(root)
    return root


@pytest.fixture(scope="module")
def example_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    box = make("docker", tmp_path_factory.mktemp("optimize-cache"), LIMITS)
    with box.prepare(copy_example(tmp_path_factory.mktemp("optimize") / "example")) as session:
        yield session


def run_tier(session: Session, server: FakeLLM, tier: Tier, **limits: int) -> RunReport:
    client = LLMClient(
        base_url=server.url, api_key="sk-test", timeout=1.0, backoff=0.01, limits=Limits(**limits)
    )
    options = OptimizeOptions(functions=(NGRAMS,), runs=2, gate=QUICK)
    with client:
        return optimize(session, options, tier, client)


def verdicts(report: RunReport) -> dict[str, tuple[str, str]]:
    (result,) = report.results
    return {j.proposed.origin: (j.verdict.status, j.verdict.step) for j in result.attempts}


@pytest.mark.docker
@pytest.mark.slow
def test_mid_tier_accepts_exactly_the_correct_faster_rewrites_and_refines_with_evidence(
    example_session: Session,
) -> None:
    script = [
        Status(429, retry_after=0.01),  # rate limited: retried
        Delay(3.0, reply(FASTER)),  # too slow for the 1 s timeout: retried
        reply(WRONG, "drop the check"),
        Reply(UNPARSEABLE),  # no code block: fed back once ...
        reply(SLOWER, "copy to be safe"),  # ... and this is the answer to that
        reply(FASTER),  # round 2, with the evidence of round 1
        reply(FASTER_ZIP, "zip in C"),
    ]
    with FakeLLM(*script) as server:
        report = run_tier(example_session, server, Tier("mid", "small-model", 2, 2, "medium"))
    assert verdicts(report) == {
        "llm: round 1, reply 1": ("rejected", "tests"),
        "llm: round 1, reply 2": ("rejected", "efficiency"),
        "llm: round 2, reply 1": ("accepted", "efficiency"),
        "llm: round 2, reply 2": ("accepted", "efficiency"),
    }
    refinement = json.dumps(server.requests[-1]["messages"])
    assert "test_ngrams_refuse_n_below_one" in refinement and "not measurably cheaper" in refinement
    assert "Your reply had no ```python block" in server.requests[3]["messages"][-1]["content"]
    assert report.results[0].best and "zip" in report.results[0].best.proposed.text
    assert (report.usage.calls, report.usage.retries) == (5, 2)


@pytest.mark.docker
@pytest.mark.slow
def test_high_tier_asks_the_strong_model_for_more_candidates_and_counts_unreadable_ones(
    example_session: Session,
) -> None:
    script = [reply(WRONG), reply(SLOWER), reply(FASTER), Reply(UNPARSEABLE), Reply(UNPARSEABLE)]
    with FakeLLM(*script) as server:
        report = run_tier(example_session, server, Tier("high", "big-model", 4, 3, "large"))
    first = server.requests[0]
    assert (first["model"], first["n"]) == ("big-model", 4)
    assert verdicts(report) == {
        "llm: round 1, reply 1": ("rejected", "tests"),
        "llm: round 1, reply 2": ("rejected", "efficiency"),
        "llm: round 1, reply 3": ("accepted", "efficiency"),
        "llm: round 1, reply 4": ("rejected", "reply"),
    }


@pytest.mark.docker
@pytest.mark.slow
def test_a_spent_budget_stops_the_run_with_the_limit_named(example_session: Session) -> None:
    with FakeLLM(reply(WRONG), Reply(UNPARSEABLE)) as server:
        report = run_tier(
            example_session, server, Tier("mid", "small-model", 2, 2, "medium"), max_calls=1
        )
    assert report.stopped == (
        "the LLM budget of 1 calls is spent (1 made); raise llm_max_calls to allow more."
    )
    assert report.results[0].status == "rejected"


@pytest.mark.docker
@pytest.mark.slow
def test_low_budget_proves_a_rewrite_of_the_example_and_applies_it(
    tmp_path: Path, cache_dir: Path
) -> None:
    repo = copy_example(tmp_path / "example")
    args = ("--sandbox", "docker", "--runs", "2", "--max-functions", "2", "--apply")
    done = ratchet("optimize", str(repo), *args, cache=cache_dir, timeout=1800)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "+++ b/wordfreq/" in done.stdout and " accepted " in done.stdout
    changed = subprocess.run(
        ["git", "-C", str(repo), "diff", "--stat"], capture_output=True, text=True
    )
    assert "wordfreq/" in changed.stdout
    after = ratchet("sandbox", "run", str(repo), "--sandbox", "docker", cache=cache_dir)
    assert after.returncode == 0 and " passed" in after.stdout, after.stdout[-2000:]


TINY = {
    "calc/__init__.py": """\
        def total(xs):
            s = 0
            for x in xs:
                s += x
            return s


        def unused(xs):
            out = []
            for x in xs:
                out.append(x * 2)
            return out
        """,
    "tests/test_calc.py": """\
        from calc import total

        def test_total():
            assert total([1, 2, 3]) == 6
        """,
}


def tiny(root: Path, extra: dict[str, str] | None = None) -> Path:
    write_tree(root, {**TINY, **(extra or {})})
    git_init(root)
    return root


def test_mid_budget_without_an_llm_is_an_error_that_says_what_to_set(tmp_path: Path) -> None:
    env = {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""}
    done = ratchet("optimize", str(tiny(tmp_path / "r")), "--budget", "mid", env=env)
    assert done.returncode == 2 and "OPENAI_API_KEY" in done.stderr.splitlines()[-1]


def test_a_failing_baseline_names_the_test_and_its_error(tmp_path: Path, cache_dir: Path) -> None:
    failing = {"tests/test_more.py": "def test_broken():\n    assert 1 == 2\n"}
    done = ratchet(
        "optimize", str(tiny(tmp_path / "r", failing)), "--sandbox", "local", cache=cache_dir
    )
    said = done.stderr.splitlines()[-1]
    assert done.returncode == 2, done.stderr
    assert "1 test fails: tests/test_more.py::test_broken (assert 1 == 2)" in said, said


def test_a_function_no_test_calls_is_reported_and_skipped(tmp_path: Path, cache_dir: Path) -> None:
    report = tmp_path / "report.json"
    args = ("--function", "calc.unused", "--sandbox", "local", "--json-report", str(report))
    done = ratchet("optimize", str(tiny(tmp_path / "r")), *args, cache=cache_dir)
    (result,) = json.loads(report.read_text())["results"]
    assert "calc.unused  skipped" in done.stdout
    assert (done.returncode, result["status"], result["reason"]) == (
        0,
        "skipped",
        "no passing test calls it, so no rewrite of it could be proven",
    )


def test_a_function_no_rule_applies_to_is_skipped_before_any_sandbox_run(
    tmp_path: Path, cache_dir: Path
) -> None:
    report = tmp_path / "report.json"
    args = ("--function", "calc.total", "--sandbox", "local", "--json-report", str(report))
    done = ratchet("optimize", str(tiny(tmp_path / "r")), *args, cache=cache_dir)
    (result,) = json.loads(report.read_text())["results"]
    assert (done.returncode, result["status"], result["reason"]) == (
        0,
        "skipped",
        "no offline rule applies to it",
    ), done.stderr
    # known on the host: neither the suite nor a baseline ran ("baseline: 1 test passes")
    assert "calc.total: skipped: no offline rule applies to it" in done.stderr, done.stderr
    assert "baseline" not in done.stderr, done.stderr


def test_an_endpoint_that_refuses_the_key_stops_with_exit_2_and_no_key_shown(
    tmp_path: Path, cache_dir: Path
) -> None:
    with FakeLLM(Status(401)) as server:
        env = {"OPENAI_BASE_URL": server.url, "OPENAI_API_KEY": "sk-very-secret-123"}
        args = ("--function", "calc.total", "--sandbox", "local", "--budget", "mid", "--runs", "2")
        done = ratchet("optimize", str(tiny(tmp_path / "r")), *args, env=env, cache=cache_dir)
    assert done.returncode == 2 and "refused the API key (401)" in done.stderr
    assert "sk-very-secret-123" not in done.stdout + done.stderr
