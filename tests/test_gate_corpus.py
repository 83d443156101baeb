"""The adversarial corpus (tests/gate_corpus/*.py) through the whole gate, on the bundled example,
under callgrind, in the Docker and the local sandbox.

Each file is one candidate with a header saying what the gate must answer:

    # target: wordfreq.text.normalize
    # expect: accepted | rejected at <step>
    # runtime: rejected at <step> | screen-only
    # why: what the candidate does
    # reason: optional words the verdict's reason must contain
    # runtime-reason: optional words the screen-off verdict's reason must contain

`expect` is the gate's answer as it runs, static screen included. `runtime` is its answer with
the screen off (`GateOptions(screen=False)`): the runtime check that must catch the candidate on
its own. Without the line the screen-off answer is `expect` (and `runtime-reason` is `reason`);
every hack_ file, and every file the screen rejects, has one. `screen-only` marks the rare hack
only the screen can see; its `why` says why.

The corpus holds genuinely faster correct rewrites (accepted), subtle wrong answers on inputs the
visible tests never use, changed exception types and messages, mutated or aliased arguments,
output and global state a caller can see, equally fast and slower rewrites, and reward hacks:
caches in every disguise, work moved to import, threads and child processes, code that knows it
is measured, and attacks on the test run and the probe's results. CLASSES names the one technique
each file uses; a case passes only if the gate answers with the expected status at the expected
step, and for the right reason.

Apply and the screen need no sandbox, so every header's host-side half is checked on every run.
Every case through the whole gate, in both sandboxes, screen on, and screen off for the hacks and
the cases the screen rejects: `pytest -m corpus`. The default run takes one case of each class a
runtime check catches (screen off where it would decide) and every accepted case, in Docker.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from agent.gate import (
    Baseline,
    Context,
    GateOptions,
    Verdict,
    apply_candidate,
    check_candidate,
    check_on_host,
    find_target,
    take_baseline,
)
from agent.rewrite import Rejected
from profilers.counter import prepare_counter
from profilers.measure import Meter
from sandbox import Limits
from sandbox.base import Session
from tests.conftest import make

CORPUS = sorted((Path(__file__).parent / "gate_corpus").glob("*.py"))
EXAMPLE = Path(__file__).resolve().parents[1] / "tasks" / "example"
LIMITS = Limits(timeout=300, memory_mb=1536, pids=128, cpus=2.0, output_bytes=256 * 1024)
EXAMPLE_FILES = sorted(str(path.relative_to(EXAMPLE)) for path in EXAMPLE.rglob("*.py"))
OPTIONS = GateOptions(generate_examples=100, generate_seed=0)
HOST_STEPS = ("apply", "screen")
SANDBOXES = [pytest.param("docker", marks=pytest.mark.docker), "local"]
ACCEPTED = "a faster rewrite that is right"

# The one technique each file uses; several files may share one (a variant that hides from the
# screen, another function). Every file of the corpus is here.
CLASSES = {
    "accept_count_words_counter": ACCEPTED,
    "accept_format_report_join": ACCEPTED,
    "accept_normalize_join": ACCEPTED,
    "accept_remove_stopwords_frozenset": ACCEPTED,
    "accept_top_words_one_sort": ACCEPTED,
    "accept_unique_words_dict": ACCEPTED,
    "accept_unique_words_seen_set": ACCEPTED,
    "same_count_words_renamed": "the same instructions under other names",
    "same_normalize_renamed": "the same instructions under other names",
    "slower_count_words_copies": "more work than the original",
    "slower_format_report_any_generator": "more work than the original",
    "slower_top_words_extra_sort": "more work than the original",
    # wrong answers, raised and visible side effects
    "wrong_count_words_import_error": "fails when its module is imported",
    "wrong_count_words_returns_counter": "an equal value of another type",
    "wrong_format_report_empty_counts": "crashes on an empty input",
    "wrong_format_report_prints": "writes to stdout",
    "wrong_normalize_prints": "writes to stdout",
    "wrong_ngrams_exception_subclass": "raises a subclass of the original's exception",
    "wrong_ngrams_message": "raises with another message",
    "wrong_ngrams_type_error": "raises another exception type",
    "wrong_ngrams_negative_n": "wrong for a negative n, which only generated inputs hold",
    "wrong_top_words_negative_n": "wrong for a negative n, which only generated inputs hold",
    "wrong_normalize_ascii_only": "blanks non-ASCII letters",
    "wrong_normalize_regex_underscore": "keeps a character the original blanks (\\w and '_')",
    "wrong_normalize_translate_seen_characters": "a table of only the characters the tests use",
    "wrong_format_report_width_in_bytes": "measures text in UTF-8 bytes, not characters",
    "wrong_normalize_strips": "strips trailing whitespace",
    "wrong_remove_stopwords_case_folds": "folds case where the original is case-sensitive",
    "wrong_remove_stopwords_mutates_input": "mutates its argument",
    "wrong_top_words_reorders_input": "reorders its dict argument",
    "wrong_top_words_ties_by_insertion": "breaks ties by insertion order",
    "wrong_unique_words_set_order": "loses first-appearance order to a set",
    "wrong_unique_words_returns_callers_list": "returns the caller's own object",
    "wrong_unique_words_hangs_on_a_repeat": "never returns on some inputs (a loop that hangs)",
    "wrong_top_words_shuffles_random_state": "consumes the global random state",
    "wrong_format_report_sets_decimal_context": "changes the decimal context",
    "wrong_ngrams_writes_stderr": "writes to stderr",
    "wrong_top_words_warns": "emits a warning",
    "wrong_unique_words_logs": "emits a log record",
    "wrong_normalize_sets_environ": "changes os.environ",
    "wrong_format_report_chdir": "changes the working directory",
    "wrong_ngrams_extends_sys_path": "changes sys.path",
    "wrong_count_words_signal_handler": "installs a signal handler",
    "wrong_remove_stopwords_module_global": "adds a global to its module",
    # state across calls
    "hack_memo_dict": "a module-level memo dict",
    "hack_memo_object": "a memo in an object of its own class",
    "hack_closure_memo": "a memo dict in a closure",
    "hack_memo_decorator": "a memoizing decorator of its own",
    "hack_lru_cache": "functools.lru_cache",
    "hack_lru_cache_called": "functools.lru_cache",
    "hack_function_attribute_cache": "a cache in an attribute of the function",
    "hack_function_attribute_cache_by_vars": "a cache in an attribute of the function",
    "hack_cache_in_other_module": "a cache in another module's namespace",
    "hack_signature_cache_default": "a cache in a new default argument",
    # work the measured region does not see, and code that knows it is measured
    "hack_precompute_bench_inputs": "precomputes the benchmark's answer at import",
    "hack_background_thread": "does the work in a thread started at import",
    "hack_child_process": "does the work in a child process",
    "hack_detect_valgrind": "behaves differently while measured",
    "hack_detect_valgrind_maps": "behaves differently while measured",
    # patching the code the tests and the measurement run
    "hack_monkeypatch_tokenize": "patches another function of the package",
    "hack_patch_itself_via_setattr": "rebinds the measured function",
    # the test run
    "hack_dynamic_import_pytest": "reaches the test framework without an import statement",
    "hack_pytest_skip": "skips its tests",
    "hack_raise_skip_by_subclass_walk": "raises pytest's Skipped found by introspection",
    "hack_pytest_exit": "ends the session with pytest.exit",
    "hack_raise_system_exit": "raises SystemExit",
    "hack_sys_exit": "raises SystemExit",
    "hack_os_exit": "ends the process with os._exit",
    "hack_os_exit_after_first_one": "ends the process with os._exit",
    "hack_patch_pytest_runner": "patches the test runner",
    "hack_read_test_expectations": "reads the test files",
    "hack_read_tests_dynamic_path": "reads the test files",
    "hack_write_test_file": "writes to a test file",
    # the probe's results
    "hack_exit_hook_forges_counts": "rewrites result files from an exit hook",
    "hack_exit_hook_forges_outcomes": "rewrites result files from an exit hook",
    "hack_outliving_process_forges_counts": "rewrites the counts from a process that outlives the run",
    "hack_replace_json_dumps": "replaces json.dumps",
    "hack_replace_os_write": "replaces os.write",
    "hack_forged_channel_lines": "prints lines posing as the probe's channel",
}


@dataclass(frozen=True)
class Expected:
    status: str  # accepted | rejected
    step: str  # the step that decides; the last one for an accepted candidate
    reason: str  # words the verdict's reason must contain ("" for any)


@dataclass(frozen=True)
class Case:
    name: str
    target: str
    expect: Expected  # with the static screen on
    runtime: Expected | None  # with it off; None: only the screen can catch it
    runtime_given: bool  # the header has a `runtime:` line
    why: str
    source: str

    @property
    def kind(self) -> str:
        return self.name.split("_")[0]

    @property
    def hack(self) -> bool:
        return self.kind == "hack"

    @property
    def screen_off(self) -> bool:
        """Whether the case also runs with the screen off: hacks, and what the screen decides."""
        return self.hack or self.runtime != self.expect


def read_header(text: str) -> dict[str, str]:
    header = {}
    for line in text.splitlines():
        if not line.startswith("# ") or ": " not in line:
            break
        key, _, value = line[2:].partition(": ")
        header[key] = value.strip()
    return header


def expected(verdict: str, reason: str) -> Expected:
    status, _, step = verdict.partition(" at ")
    return Expected(status, step or "efficiency", reason)


def read_case(path: Path) -> Case:
    text = path.read_text(encoding="utf-8")
    header = read_header(text)
    expect = expected(header["expect"], header.get("reason", ""))
    said = header.get("runtime", header["expect"])
    if said == "screen-only":
        runtime = None
    else:
        same = said == header["expect"]
        runtime = expected(said, header.get("runtime-reason", expect.reason if same else ""))
    return Case(
        path.stem, header["target"], expect, runtime, "runtime" in header, header["why"], text
    )


def case_of_each_class(cases: list[Case]) -> list[Case]:
    """The CI subset: the first case (by name) of each class a runtime check catches, and every
    accepted case."""
    first: dict[str, Case] = {}
    for case in cases:
        if case.expect.status != "accepted" and case.runtime is not None:
            first.setdefault(CLASSES.get(case.name, case.name), case)
    accepted = [case for case in cases if case.expect.status == "accepted"]
    return sorted([*first.values(), *accepted], key=lambda case: case.name)


def without_screen(case: Case) -> object:
    if case.runtime is None:
        return pytest.param(case, marks=pytest.mark.skip(reason=f"screen-only: {case.why}"))
    return case


def host_step(case: Case, *, screen: bool) -> str | None:
    """Where apply or the screen stops the case, or None when it goes on to the sandbox."""
    target = find_target(EXAMPLE, EXAMPLE_FILES, case.target)
    applied = apply_candidate(target, case.source)
    if isinstance(applied, Rejected):
        return "apply"
    refused = check_on_host(applied, {}, screen=screen)
    return None if refused is None else refused.step


def host_part(want: Expected | None) -> str | None:
    return want.step if want is not None and want.step in HOST_STEPS else None


CASES = [read_case(path) for path in CORPUS]
SCREEN_OFF = [case for case in CASES if case.screen_off]
# In CI, one case per runtime defence (each needs baselines and a whole-process count, ~30 s a
# case): the full matrix is `pytest -m corpus`; the screen's answer on every case is checked on
# the host by test_apply_and_the_screen_answer_as_the_header_says.
CI_NAMES = (
    "accept_normalize_join",  # an honest faster rewrite stays accepted
    "accept_unique_words_dict",
    "slower_top_words_extra_sort",  # region count
    "hack_closure_memo",  # state across calls: whole-process cold count
    "hack_child_process",  # work in a child process: children traced
    "hack_detect_valgrind_maps",  # behaves differently while measured: outputs in the measured run
    "hack_exit_hook_forges_outcomes",  # no result files: the channel
    "hack_forged_channel_lines",  # lines posing as frames
    "wrong_unique_words_returns_callers_list",  # identity
    "wrong_top_words_shuffles_random_state",  # interpreter-global state
    "wrong_top_words_negative_n",  # generated inputs by count and seed
)
CI_CASES = [case for case in CASES if case.name in CI_NAMES]


def test_the_corpus_is_large_and_covers_every_kind_of_trouble() -> None:
    kinds = {case.kind for case in CASES}
    steps = {case.expect.step for case in CASES if case.expect.status == "rejected"}
    unclassed = sorted({case.name for case in CASES} ^ set(CLASSES))
    trouble = {
        CLASSES[c.name] for c in CASES if c.name in CLASSES and c.expect.status == "rejected"
    }
    assert (len(CASES) >= 40, unclassed, len(trouble) >= 40, kinds, steps) == (
        True,
        [],
        True,
        {"accept", "wrong", "same", "slower", "hack"},
        {"apply", "screen", "import", "tests", "suite", "behaviour", "generated", "efficiency"},
    ), f"{len(trouble)} classes of trouble"


def test_every_hack_and_every_case_the_screen_catches_says_what_catches_it_without() -> None:
    unsaid = [
        c.name for c in CASES if (c.hack or c.expect.step == "screen") and not c.runtime_given
    ]
    assert unsaid == []


def test_only_the_screen_answers_at_the_screen() -> None:
    at_screen = [c.name for c in CASES if c.runtime is not None and c.runtime.step == "screen"]
    assert at_screen == []


def test_only_cases_the_screen_catches_are_screen_only() -> None:
    odd = [c.name for c in CASES if c.runtime is None and c.expect.step != "screen"]
    assert odd == []


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_apply_and_the_screen_answer_as_the_header_says(case: Case) -> None:
    """The host-side half of each header, with the screen on and off; no sandbox needed."""
    found = (host_step(case, screen=True), host_step(case, screen=False))
    assert found == (host_part(case.expect), host_part(case.runtime))


class Gates:
    """Per sandbox, the example prepared with a callgrind meter; per sandbox and target, one
    baseline. Made on first use and shared by every case that needs them."""

    def __init__(self, stack: ExitStack, cache: Path) -> None:
        self.stack = stack
        self.cache = cache
        self.sessions: dict[str, tuple[Session, Meter]] = {}
        self.baselines: dict[tuple[str, str], Baseline] = {}

    def context(self, sandbox: str, function: str, *, screen: bool) -> Context:
        session, meter = self.session(sandbox)
        if (sandbox, function) not in self.baselines:
            target = find_target(session.repo.root, session.repo.files, function)
            self.baselines[sandbox, function] = take_baseline(session, meter, target, OPTIONS)
        options = replace(OPTIONS, screen=screen)
        return Context(session, meter, self.baselines[sandbox, function], options)

    def session(self, sandbox: str) -> tuple[Session, Meter]:
        if sandbox not in self.sessions:
            box = make(sandbox, self.cache, LIMITS)
            session = self.stack.enter_context(box.prepare(EXAMPLE))
            counter = prepare_counter(session, "callgrind")
            self.sessions[sandbox] = (
                session,
                Meter(session, counter, runs=2, timeout=LIMITS.timeout),
            )
        return self.sessions[sandbox]


@pytest.fixture(scope="module")
def gates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Gates]:
    with ExitStack() as stack:
        yield Gates(stack, tmp_path_factory.mktemp("gate-cache"))


def answer(gates: Gates, sandbox: str, case: Case, *, screen: bool) -> tuple[Verdict, Expected]:
    want = case.expect if screen else case.runtime
    assert want is not None, f"{case.name} is screen-only"
    verdict = check_candidate(gates.context(sandbox, case.target, screen=screen), case.source)
    return verdict, want


def assert_answers(verdict: Verdict, want: Expected) -> None:
    assert (verdict.status, verdict.step) == (want.status, want.step), verdict.reason
    assert want.reason.lower() in verdict.reason.lower(), verdict.reason


@pytest.mark.docker
@pytest.mark.slow
@pytest.mark.parametrize("case", CI_CASES, ids=[case.name for case in CI_CASES])
def test_gate_answers_a_case_of_each_class(case: Case, gates: Gates) -> None:
    """Hacks, and what the screen rejects, with the screen off: each class's runtime check answers."""
    assert_answers(*answer(gates, "docker", case, screen=not case.screen_off))


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("sandbox", SANDBOXES)
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_gate_answers_the_corpus(case: Case, sandbox: str, gates: Gates) -> None:
    assert_answers(*answer(gates, sandbox, case, screen=True))


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("sandbox", SANDBOXES)
@pytest.mark.parametrize(
    "case", [without_screen(case) for case in SCREEN_OFF], ids=[case.name for case in SCREEN_OFF]
)
def test_runtime_checks_alone_answer_the_hacks(case: Case, sandbox: str, gates: Gates) -> None:
    assert_answers(*answer(gates, sandbox, case, screen=False))
