"""The adversarial corpus (tests/gate_corpus/*.py) through the whole gate, on the bundled example,
in the Docker sandbox with callgrind.

Each file is one candidate with a header saying what the gate must answer:

    # target: wordfreq.text.normalize
    # expect: accepted | rejected at <step>
    # why: what the candidate does
    # reason: optional words the verdict's reason must contain

The corpus holds genuinely faster correct rewrites (accepted), subtle wrong answers on inputs
the visible tests never use, changed exception types and messages, mutated arguments, printed
output, equally fast and slower rewrites, and reward hacks. A case passes only if the gate
answers with the expected status at the expected step: rejected, and for the right reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from agent.gate import Context, GateOptions, check_candidate, find_target, take_baseline
from profilers.counter import prepare_counter
from profilers.measure import Meter
from sandbox import Limits
from sandbox.base import Session
from tests.conftest import make

CORPUS = sorted((Path(__file__).parent / "gate_corpus").glob("*.py"))
EXAMPLE = Path(__file__).resolve().parents[1] / "tasks" / "example"
LIMITS = Limits(timeout=300, memory_mb=1536, pids=128, cpus=2.0, output_bytes=256 * 1024)
OPTIONS = GateOptions(generate_seconds=4.0, max_examples=150)


@dataclass(frozen=True)
class Case:
    name: str
    target: str
    status: str
    step: str | None
    why: str
    reason: str
    source: str


def read_case(path: Path) -> Case:
    text = path.read_text(encoding="utf-8")
    header = {}
    for line in text.splitlines():
        if not line.startswith("# ") or ": " not in line:
            break
        key, _, value = line[2:].partition(": ")
        header[key] = value.strip()
    status, _, step = header["expect"].partition(" at ")
    return Case(
        path.stem,
        header["target"],
        status,
        step or None,
        header["why"],
        header.get("reason", ""),
        text,
    )


CASES = [read_case(path) for path in CORPUS]


def test_the_corpus_is_large_and_covers_every_kind_of_trouble() -> None:
    kinds = {case.name.split("_")[0] for case in CASES}
    steps = {case.step for case in CASES if case.status == "rejected"}
    assert (len(CASES) >= 40, kinds, steps) == (
        True,
        {"accept", "wrong", "same", "slower", "hack"},
        {"apply", "screen", "import", "tests", "suite", "behaviour", "generated", "efficiency"},
    )


@pytest.fixture(scope="module")
def example_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    box = make("docker", tmp_path_factory.mktemp("gate-cache"), LIMITS)
    with box.prepare(EXAMPLE) as session:
        yield session


@pytest.fixture(scope="module")
def context_for(example_session: Session) -> Callable[[str], Context]:
    """One meter and one baseline per target, shared by the cases that rewrite it."""
    meter = Meter(
        example_session,
        prepare_counter(example_session, "callgrind"),
        runs=2,
        timeout=LIMITS.timeout,
    )
    contexts: dict[str, Context] = {}

    def context(function: str) -> Context:
        if function not in contexts:
            repo = example_session.repo
            target = find_target(repo.root, repo.files, function)
            baseline = take_baseline(example_session, meter, target, OPTIONS)
            contexts[function] = Context(example_session, meter, baseline, OPTIONS)
        return contexts[function]

    return context


@pytest.mark.docker
@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_gate_answers_the_corpus(case: Case, context_for: Callable[[str], Context]) -> None:
    verdict = check_candidate(context_for(case.target), case.source)
    expected_step = case.step or "efficiency"
    assert (verdict.status, verdict.step) == (case.status, expected_step), verdict.reason
    assert case.reason.lower() in verdict.reason.lower(), verdict.reason
