"""Recording, replay and generation for real, in both sandboxes (how two observations compare is
tests/test_observations.py)."""

from __future__ import annotations

import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from profilers.behaviour import (
    BehaviourError,
    BehaviourResult,
    Mismatch,
    Recording,
    generate,
    record,
    replay,
)
from profilers.ratchet_probe.values import short_repr
from sandbox.base import Session
from tests.conftest import git_init, make, write_tree
from tests.test_cli import EXAMPLE

FUNCTIONS = {
    "triangle": """\
def triangle(n):
    total = 0
    for i in range(abs(n) + 1):
        total += i
    return total if n >= 0 else -total
""",
    "scale": "def scale(values, factor):\n    return [v * factor for v in values]\n",
    "greet": 'def greet(name):\n    print(f"hello {name}")\n    return len(name)\n',
    "parse": """\
def parse(text):
    if not text.isdigit():
        raise ValueError(f"not a number: {text!r}")
    return int(text)
""",
    "mean": "def mean(values):\n    return sum(values) / len(values)\n",
    "roll": "def roll(n):\n    return [random.random() for _ in range(n)]\n",
    "apply": "def apply(function, x):\n    return function(x)\n",
    "count": "def count(n):\n    return n + 1\n",
    "exists": "def exists(path):\n    return os.path.exists(path)\n",
    "Box": """\
class Box:
    def __init__(self, items):
        self.items = list(items)

    def total(self):
        return sum(self.items)
""",
}
TESTS = """\
import pytest

from calc.core import Box, apply, count, exists, greet, mean, parse, roll, scale, triangle


def test_triangle():
    assert [triangle(n) for n in (1, 2, 3, 10)] == [1, 3, 6, 55]


def test_scale():
    assert scale([1, 2], 3) == [3, 6]


def test_greet(capsys):
    assert greet("ann") == 3
    assert capsys.readouterr().out == "hello ann\\n"


def test_parse():
    assert parse("12") == 12
    with pytest.raises(ValueError):
        parse("x")


def test_mean():
    assert mean([0.1, 0.2, 0.3]) == pytest.approx(0.2)


def test_roll():
    assert len(roll(3)) == 3


def test_apply():
    assert (apply(lambda x: x + 1, 1), apply(abs, -2)) == (2, 2)


def test_count():
    assert [count(i) for i in range(50)] == list(range(1, 51))


def test_exists():
    assert exists("tests/test_calc.py")


def test_box():
    assert Box([1, 2]).total() == 3
"""
MODULE = "calc/core.py"


def source(**replaced: str) -> str:
    """calc/core.py with some definitions replaced."""
    parts = {**FUNCTIONS, **replaced}
    return "import os\nimport random\n\n\n" + "\n\n".join(parts.values())


def candidate(**replaced: str) -> dict[str, bytes]:
    return {MODULE: source(**replaced).encode()}


@pytest.fixture(scope="module")
def calc_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("calc")
    files = {"calc/__init__.py": "", MODULE: source(), "tests/test_calc.py": TESTS}
    write_tree(root, files)
    git_init(root)
    return root


@pytest.fixture(scope="module", params=["local", pytest.param("docker", marks=pytest.mark.docker)])
def calc(request: pytest.FixtureRequest, calc_repo: Path, cache_dir: Path) -> Iterator[Session]:
    with make(request.param, cache_dir).prepare(calc_repo) as session:
        yield session


def recorded(session: Session, name: str, test: str, **caps: int) -> Recording:
    return record(session, f"calc.core.{name}", [f"tests/test_calc.py::{test}"], **caps)


def first(result: BehaviourResult) -> Mismatch:
    assert result.error is None and result.mismatches, result
    return result.mismatches[0]


# -- recording ---------------------------------------------------------------------------------


def test_a_recording_states_the_call_cap(calc: Session) -> None:
    found = recorded(calc, "count", "test_count", max_calls=10)
    assert (found.calls, found.seen, found.cap) == (
        10,
        50,
        "kept the first 10 of 50 calls (max_calls)",
    )


def test_a_recording_states_the_byte_cap(calc: Session) -> None:
    found = recorded(calc, "count", "test_count", max_bytes=400)
    assert 0 < found.calls < found.seen == 50 and found.cap and found.cap.endswith("(max_bytes)")


def test_an_unpicklable_argument_is_marked_and_its_call_skipped(calc: Session) -> None:
    found = recorded(calc, "apply", "test_apply")
    result = replay(calc, found, {})
    assert (found.calls, found.unreplayable, result.replayed, result.skipped) == (2, 1, 1, 1)


def test_calls_that_do_not_reproduce_are_dropped_by_the_self_check(calc: Session) -> None:
    found = recorded(calc, "roll", "test_roll")
    assert (found.calls, found.dropped, found.unreplayable, replay(calc, found, {}).replayed) == (
        1,
        1,
        1,
        0,
    )


def test_argument_types_are_kept_for_people_and_generation(calc: Session) -> None:
    assert recorded(calc, "triangle", "test_triangle").argument_types == ("n: int",)


def test_an_unknown_function_cannot_be_recorded(calc: Session) -> None:
    with pytest.raises(BehaviourError, match=r"calc\.core\.nope was not found"):
        recorded(calc, "nope", "test_count")


def test_a_function_the_tests_never_call_cannot_be_recorded(calc: Session) -> None:
    with pytest.raises(BehaviourError, match=r"never called calc\.core\.count"):
        recorded(calc, "count", "test_box")


# -- replay ----------------------------------------------------------------------------------


def test_the_unchanged_code_replays_cleanly(calc: Session) -> None:
    result = replay(calc, recorded(calc, "triangle", "test_triangle"), {})
    assert (result.ok, result.replayed, result.skipped) == (True, 4, 0)


def test_a_wrong_answer_on_one_recorded_input_is_caught(calc: Session) -> None:
    wrong = "def triangle(n):\n    return n * (n + 1) // 2 + (n == 10)\n"
    result = replay(calc, recorded(calc, "triangle", "test_triangle"), candidate(triangle=wrong))
    found = first(result)
    assert (
        result.total_mismatches,
        found.aspect,
        found.arguments,
        found.expected,
        found.actual,
    ) == (
        1,
        "return",
        "(10)",
        "returned 55",
        "returned 56",
    )


def test_mutating_an_argument_is_caught(calc: Session) -> None:
    mutating = """\
def scale(values, factor):
    for i, v in enumerate(values):
        values[i] = v * factor
    return list(values)
"""
    result = replay(calc, recorded(calc, "scale", "test_scale"), candidate(scale=mutating))
    assert (first(result).aspect, first(result).where) == (
        "mutation",
        "values, at [0]: expected 1, got 3",
    )


def test_mutating_self_is_caught(calc: Session) -> None:
    box = FUNCTIONS["Box"].replace(
        "return sum(self.items)", "self.items.append(0)\n        return sum(self.items)"
    )
    result = replay(calc, recorded(calc, "Box.total", "test_box"), candidate(Box=box))
    assert first(result).aspect == "mutation" and first(result).where.startswith("self, at .items")


def test_printing_something_else_is_caught(calc: Session) -> None:
    chatty = FUNCTIONS["greet"].replace("hello {name}", "hello, {name}")
    result = replay(calc, recorded(calc, "greet", "test_greet"), candidate(greet=chatty))
    assert (first(result).aspect, first(result).expected, first(result).actual) == (
        "stdout",
        "'hello ann\\n'",
        "'hello, ann\\n'",
    )


def test_raising_another_exception_type_is_caught(calc: Session) -> None:
    other = FUNCTIONS["parse"].replace("raise ValueError", "raise TypeError")
    result = replay(calc, recorded(calc, "parse", "test_parse"), candidate(parse=other))
    assert (first(result).aspect, first(result).expected, first(result).actual) == (
        "exception",
        "raised ValueError: not a number: 'x'",
        "raised TypeError: not a number: 'x'",
    )


def test_floats_are_exact_unless_a_tolerance_is_given(calc: Session) -> None:
    fsum = "import math\n\n\ndef mean(values):\n    return math.fsum(values) / len(values)\n"
    found = recorded(calc, "mean", "test_mean")
    exact = replay(calc, found, candidate(mean=fsum))
    tolerant = replay(calc, found, candidate(mean=fsum), float_tolerance=1e-9)
    assert (first(exact).aspect, tolerant.ok) == ("return", True)


def test_hidden_test_files_are_gone_during_replay(calc: Session) -> None:
    found = recorded(calc, "exists", "test_exists")
    hidden = replay(calc, found, {}, hide=["tests/test_calc.py"])
    assert (replay(calc, found, {}).ok, first(hidden).actual) == (True, "returned False")


def test_a_candidate_that_does_not_import_is_an_error_not_a_crash(calc: Session) -> None:
    broken = {
        MODULE: source()
        .replace("import random\n", "import random\nraise RuntimeError('at import')\n")
        .encode()
    }
    result = replay(calc, recorded(calc, "triangle", "test_triangle"), broken)
    assert result.error and "RuntimeError: at import (at calc/core.py:3)" in result.error, result


def test_a_candidate_with_a_syntax_error_is_an_error(calc: Session) -> None:
    result = replay(
        calc, recorded(calc, "triangle", "test_triangle"), {MODULE: b"def triangle(n:\n"}
    )
    assert result.error and "SyntaxError" in result.error and not result.ok


def test_a_candidate_that_exits_the_process_is_an_error(calc: Session) -> None:
    exits = "import os\n\n\ndef triangle(n):\n    os._exit(0)\n"
    result = replay(calc, recorded(calc, "triangle", "test_triangle"), candidate(triangle=exits))
    assert result.error and "ended before the probe sent its result" in result.error


WRONG = "\n\ndef triangle(n):\n    return 0\n"
CHEATS = {
    "json.dumps": (
        'import json\n\njson.dumps = lambda *a, **k: \'{"mode": "replay", "replayed": 4}\'\n'
    ),
    "os.write": "import os\n\nos.write = lambda fd, data: len(data)\n",
    "a printed frame": "print('<<ratchet 0000 0 result {}', flush=True)\n",
    "a buffered frame": "print('<<ratchet 0000 0 result {}')\n",
    "a frame on fd 1": "import os\n\nos.write(1, b'\\n<<ratchet 0000 0 result {}\\n')\n",
    "the probe's observer": (
        "import ratchet_probe.replay\n\n"
        "ratchet_probe.replay.observe_call = lambda *a: ({'kind': 'return'}, 0.0)\n"
    ),
}
CAUGHT_AS = {
    "json.dumps": "return",
    "os.write": "return",
    "a printed frame": "the probe's result channel was tampered with",
    "a buffered frame": "the probe's result channel was tampered with",
    "a frame on fd 1": "the probe's result channel was tampered with",
    "the probe's observer": "ratchet_probe.replay.observe_call",
}


def caught_as(result: BehaviourResult) -> str:
    if result.error:
        return result.error
    return result.mismatches[0].aspect if result.mismatches else "ok"


@pytest.mark.parametrize("cheat", list(CHEATS))
def test_a_wrong_answer_is_caught_whatever_the_candidate_does_at_import(
    calc: Session, cheat: str
) -> None:
    result = replay(
        calc, recorded(calc, "triangle", "test_triangle"), candidate(triangle=CHEATS[cheat] + WRONG)
    )
    assert not result.ok and CAUGHT_AS[cheat] in caught_as(result), result


# -- what the candidate gets ---------------------------------------------------------------------

ARGUMENTS_ONLY = {"index", "test", "args", "replayable", "reason", "duration"}


def calls_in(found: Recording) -> list[dict[str, Any]]:
    """The calls as the candidate's workspace gets them (the test unpickles what the host never
    does)."""
    data = pickle.loads(found.data)
    assert set(data) <= {"version", "target", "parameters", "sys_path", "calls"}, set(data)
    calls: list[dict[str, Any]] = data["calls"]
    return calls


def test_a_recording_the_candidate_gets_holds_arguments_only(calc: Session) -> None:
    found = recorded(calc, "parse", "test_parse")
    calls = calls_in(found)
    assert (
        {key for call in calls for key in call} <= ARGUMENTS_ONLY,
        [pickle.loads(call["args"]) for call in calls],
        sorted(found.expected) == [call["index"] for call in calls],
    ) == (True, [(("12",), {}), (("x",), {})], True)


def test_generated_inputs_the_candidate_gets_hold_arguments_only(calc: Session) -> None:
    drawn = generate(calc, recorded(calc, "parse", "test_parse"), examples=10)
    calls = calls_in(drawn)
    assert {key for call in calls for key in call} <= ARGUMENTS_ONLY and len(calls) == drawn.calls


def test_the_expected_observations_stay_on_the_host(calc: Session) -> None:
    expected = recorded(calc, "parse", "test_parse").expected
    assert [(o["kind"], o["error"]) for o in expected.values()] == [
        ("return", None),
        ("exception", ["ValueError", "not a number: 'x'"]),
    ]


# -- generation --------------------------------------------------------------------------------


def drawn(session: Session, name: str, test: str, **options: int) -> Recording:
    return generate(session, recorded(session, name, test), **options)


def test_generation_finds_a_wrong_answer_on_an_input_the_tests_never_used(calc: Session) -> None:
    positive_only = candidate(triangle="def triangle(n):\n    return n * (n + 1) // 2\n")
    found = recorded(calc, "triangle", "test_triangle")
    caught = first(replay(calc, generate(calc, found), positive_only, generated=True))
    assert (replay(calc, found, positive_only).ok, caught.generated, caught.arguments[:2]) == (
        True,
        True,
        "(-",
    )


def test_generation_accepts_an_equivalent_candidate(calc: Session) -> None:
    closed = (
        "def triangle(n):\n    m = abs(n)\n    return (m * (m + 1) // 2) * (1 if n >= 0 else -1)\n"
    )
    generated = drawn(calc, "triangle", "test_triangle")
    result = replay(calc, generated, candidate(triangle=closed), generated=True)
    assert result.ok and result.replayed >= 41, result  # every n in -20..20: the space is exhausted


def test_generation_compares_exceptions_the_original_raises(calc: Session) -> None:
    lenient = "def parse(text):\n    return int(text) if text.isdigit() else 0\n"
    generated = drawn(calc, "parse", "test_parse")
    found = first(replay(calc, generated, candidate(parse=lenient), generated=True))
    assert found.aspect == "exception" and found.expected.startswith("raised ValueError")


def test_generation_reports_a_candidate_that_does_not_import(calc: Session) -> None:
    generated = drawn(calc, "triangle", "test_triangle")
    result = replay(calc, generated, {MODULE: b"def triangle(n:\n"}, generated=True)
    assert result.error and "SyntaxError" in result.error


def test_the_same_seed_draws_the_same_inputs_and_another_seed_others(calc: Session) -> None:
    found = recorded(calc, "triangle", "test_triangle")
    first_draw, again, other = (generate(calc, found, examples=20, seed=s) for s in (7, 7, 8))
    inputs = [[call["args"] for call in calls_in(r)] for r in (first_draw, again, other)]
    assert (
        inputs[0] == inputs[1],
        first_draw.expected == again.expected,
        inputs[0] != inputs[2],
        0 < first_draw.calls <= 20,
    ) == (True, True, True, True)


# -- the bundled example -------------------------------------------------------------------------


@pytest.fixture(scope="module", params=["local", pytest.param("docker", marks=pytest.mark.docker)])
def example(request: pytest.FixtureRequest, cache_dir: Path) -> Iterator[Session]:
    with make(request.param, cache_dir).prepare(EXAMPLE) as session:
        yield session


def test_an_equivalent_rewrite_of_the_examples_normalize_passes_replay_and_generation(
    example: Session,
) -> None:
    rewrite = (
        (EXAMPLE / "wordfreq/text.py")
        .read_text()
        .replace(
            """    result = ""
    for ch in text.lower():
        if ch.isalnum() or ch == "'":
            result += ch
        else:
            result += " "
    return result""",
            """    return "".join(ch if ch.isalnum() or ch == "'" else " " for ch in text.lower())""",
        )
    )
    found = record(example, "wordfreq.text.normalize", ["tests/test_text.py"])
    changes = {"wordfreq/text.py": rewrite.encode()}
    replayed = replay(example, found, changes)
    generated = replay(example, generate(example, found), changes, generated=True)
    assert (replayed.ok, replayed.replayed > 5, generated.ok, generated.replayed > 50) == (
        True,
    ) * 4


# -- pure parts ------------------------------------------------------------------------------------


def test_reprs_are_cut_to_three_hundred_characters() -> None:
    assert len(short_repr("x" * 10_000)) <= 300 and len(short_repr(list(range(10**4)))) <= 300


def test_a_mismatch_describes_itself_in_one_sentence() -> None:
    found = Mismatch(
        3, "return", "(10)", "returned 55", "returned 56", "at the top level: expected 55, got 56"
    )
    assert found.describe() == (
        "On recorded call #3 with arguments (10), it returned 55 with the original code, but "
        "returned 56 with the candidate. First difference at the top level: expected 55, got 56."
    )


def test_an_identity_mismatch_says_the_result_shares_objects() -> None:
    found = Mismatch(0, "identity", "([1])", "([1])", "(<an object seen before>)", generated=True)
    assert found.describe().startswith("On a generated call with arguments ([1]), it left") and (
        "shares objects with them differently" in found.describe()
    )
