"""What a function does on the inputs its tests give it, recorded once and checked against rewrites.

    record(session, target, tests) -> Recording        the tests run with the probe in "record"
        mode; then the recording is replayed against the unchanged code (twice) and calls that do
        not reproduce (random, time, ids) are dropped
    generate(session, recording, examples, seed) -> Recording     Hypothesis inputs drawn from
        the recorded types, by count and seed, against the unchanged code, checked the same way
    replay(session, recording, changes) -> BehaviourResult     every kept call with the candidate
        in; what each call did comes back on the probe's channel and is compared here, on the host

The recording is a pickle made and read only inside the sandbox; the host carries its bytes and
never unpickles them. What the unchanged code did on each call (`Recording.expected`, plain data)
stays on the host: the recording the candidate gets holds arguments only. Replay reads it,
deletes it, and only then imports the candidate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sandbox.base import RunResult, Session, Workspace, inside_path

from .observations import Observation, compare, same_observation
from .probe import PROBE_DIR, PYTEST, ProbeRun, probe_files, run_probe, script
from .ratchet_probe.protocol import (
    CheckResult,
    GenerateConfig,
    RecordConfig,
    RecordResult,
    ReplayConfig,
)
from .runs import tail

RECORDING = f"{PROBE_DIR}/recording.pickle"
CHECKED = f"{PROBE_DIR}/checked.pickle"
GENERATED = f"{PROBE_DIR}/generated.pickle"
ASPECTS = (
    "exception",
    "return",
    "mutation",
    "identity",
    "stdout",
    "stderr",
    "warnings",
    "logs",
    "state",
)
MAX_MISMATCHES = 5


class BehaviourError(Exception):
    """A recording could not be taken; the message says why and what to do."""


@dataclass(frozen=True)
class Recording:
    target: str
    data: bytes  # the pickle file's bytes, written into candidate workspaces
    calls: int  # calls kept
    seen: int  # calls observed
    unreplayable: int  # kept calls that cannot be replayed: unpicklable or not reproducible
    cap: str | None  # e.g. "kept the first 200 of 1,532 calls (max_calls)"; None if no cap hit
    dropped: int = 0  # calls the unchanged code did not reproduce (random, time, ids)
    argument_types: tuple[str, ...] = ()  # e.g. ("text: str", "n: int | NoneType")
    # call index -> what the unchanged code did; only these calls are compared
    expected: Mapping[int, Observation] = field(default_factory=dict)
    arguments: Mapping[int, str] = field(default_factory=dict)  # call index -> short repr
    tests: Mapping[int, str] = field(default_factory=dict)  # call index -> the test that made it
    parameters: tuple[str, ...] = ()
    note: str | None = None  # e.g. why generation drew fewer inputs than asked
    # wall time of the unchanged code's replay of the kept calls (the self-check: each call twice)
    seconds: float = 0.0


@dataclass(frozen=True)
class Mismatch:
    index: int  # the recorded call's index (or the generated example's number)
    aspect: str  # one of ASPECTS
    arguments: str  # a short repr of the arguments, as a call shows them
    expected: str
    actual: str
    where: str = ""  # where inside the value the first difference is
    test: str = ""  # the test that made the recorded call
    generated: bool = False

    def describe(self) -> str:
        call = "a generated call" if self.generated else f"recorded call #{self.index}"
        source = f" (from {self.test})" if self.test else ""
        detail = f" First difference {self.where}." if self.where else ""
        if self.aspect in ("mutation", "identity"):
            what = (
                f"left its arguments as {self.expected} with the original code, but as "
                f"{self.actual} with the candidate"
                + (
                    " (the result shares objects with them differently)."
                    if self.aspect == "identity"
                    else "."
                )
            )
        elif self.aspect in ("stdout", "stderr"):
            what = (
                f"wrote {self.expected} to {self.aspect} with the original code, but "
                f"{self.actual} with the candidate."
            )
        elif self.aspect in ("warnings", "logs"):
            kind = "warnings" if self.aspect == "warnings" else "log records"
            what = f"emitted {kind} {self.expected} with the original code, but {self.actual} with the candidate."
        else:
            what = f"{self.expected} with the original code, but {self.actual} with the candidate."
        return f"On {call}{source} with arguments {self.arguments}, it {what}{detail}"


@dataclass(frozen=True)
class BehaviourResult:
    replayed: int  # calls replayed (generate: examples compared)
    skipped: int  # unreplayable calls (generate: inputs the original was unstable or slow on)
    mismatches: tuple[Mismatch, ...]  # the first few
    total_mismatches: int
    run: RunResult
    error: str | None  # the check could not run at all, e.g. the candidate does not import
    note: str | None = None  # something worth knowing that is not a failure

    @property
    def ok(self) -> bool:
        return self.error is None and self.total_mismatches == 0


def record(
    session: Session,
    target: str,
    tests: Sequence[str],
    *,
    timeout: float | None = None,
    max_calls: int = 200,
    max_bytes: int = 4_000_000,
) -> Recording:
    """Run `tests` recording every outermost call of `target`, then keep only what reproduces."""
    with session.workspace(probe_files()) as ws:
        config = RecordConfig(target, f"{ws.root}/{RECORDING}", max_calls, max_bytes)
        argv = ["python", *PYTEST, "--benchmark-disable", *tests]
        summary = _recorded(target, tests, run_probe(ws, config, argv, timeout))
        data = ws.read_file(RECORDING)
    checked = _self_check(session, data, target, timeout)
    return Recording(
        target=target,
        data=checked.data,
        calls=summary.kept,
        seen=summary.seen,
        unreplayable=checked.unreplayable,
        cap=_cap(summary),
        dropped=checked.dropped,
        argument_types=summary.argument_types,
        expected=checked.expected,
        arguments=checked.arguments,
        tests=checked.tests,
        parameters=checked.parameters,
        seconds=checked.seconds,
    )


def generate(
    session: Session,
    recording: Recording,
    *,
    examples: int = 100,
    seed: int = 0,
    timeout: float | None = None,
) -> Recording:
    """Up to `examples` Hypothesis inputs shaped like the recorded ones, drawn with `seed` against
    the unchanged code and checked like a recording: the same inputs on any machine."""
    files = {**probe_files(), RECORDING: recording.data}
    with session.workspace(files) as ws:
        config = GenerateConfig(
            f"{ws.root}/{RECORDING}", f"{ws.root}/{GENERATED}", examples=examples, seed=seed
        )
        probed = run_probe(ws, config, script("generate"), timeout)
        result = probed.result
        if result is None or result.error:
            why = result.error if result else probed.why_missing("generation")
            raise BehaviourError(
                f"generating inputs for {recording.target} failed: {why}: {tail(probed.run)}"
            )
        data = ws.read_file(GENERATED)
    checked = _self_check(session, data, recording.target, timeout)
    return Recording(
        target=recording.target,
        data=checked.data,
        calls=result.replayed,
        seen=result.replayed,
        unreplayable=checked.unreplayable,
        cap=None,
        dropped=checked.dropped,
        expected=checked.expected,
        arguments=checked.arguments,
        parameters=checked.parameters,
        note=result.note,
        seconds=checked.seconds,
    )


def _recorded(target: str, tests: Sequence[str], probed: ProbeRun[RecordResult]) -> RecordResult:
    """The recording's summary; BehaviourError when there is no usable recording."""
    summary, run = probed.result, probed.run
    if summary is None:
        raise BehaviourError(
            f"the tests of {target} ended before the recording was written "
            f"({probed.why_missing('recording')}): {tail(run)}"
        )
    if summary.errors:
        raise BehaviourError("; ".join(summary.errors) + "; check the function's name.")
    if not summary.seen:
        raise BehaviourError(
            f"the tests {', '.join(tests) or '(all)'} never called {target}, so there is "
            "nothing to record; pick tests that call it."
        )
    return summary


@dataclass(frozen=True)
class _Checked:
    data: bytes  # the recording candidates get: arguments only
    expected: dict[int, Observation]
    arguments: dict[int, str]
    tests: dict[int, str]
    parameters: tuple[str, ...]
    unreplayable: int
    dropped: int
    seconds: float  # the replay's wall time


def _self_check(session: Session, data: bytes, target: str, timeout: float | None) -> _Checked:
    """Replay twice against the unchanged code; the calls it did the same way both times (and
    within its time limit) are what every candidate is compared on."""
    with session.workspace({**probe_files(), RECORDING: data}) as ws:
        config = ReplayConfig(
            f"{ws.root}/{RECORDING}", self_check=True, rewrite=f"{ws.root}/{CHECKED}"
        )
        probed = run_probe(ws, config, script("replay"), timeout)
        result, run = probed.result, probed.run
        if result is None or result.error:
            why = result.error if result else f"{probed.why_missing('replay')}: {tail(run)}"
            raise BehaviourError(
                f"replaying the recorded calls of {target} against the unchanged code failed "
                f"({why}); the recording cannot be trusted."
            )
        checked = ws.read_file(CHECKED)
    again = {int(f["i"]): str(f["h"]) for f in probed.frames.of("again")}
    expected, arguments, tests = {}, {}, {}
    dropped = 0
    for frame in probed.frames.of("call"):
        index, observed = int(frame["i"]), frame["o"]
        if observed.get("kind") == "timeout" or not same_observation(
            observed, again.get(index, "")
        ):
            dropped += 1
            continue
        expected[index], arguments[index], tests[index] = observed, str(frame["a"]), str(frame["t"])
    sent = probed.frames.of("parameters")
    parameters = tuple(map(str, sent[0])) if sent else ()
    unreplayable = result.unreplayable + dropped
    return _Checked(
        checked, expected, arguments, tests, parameters, unreplayable, dropped, run.duration
    )


def _cap(summary: RecordResult) -> str | None:
    if not summary.cap:
        return None
    return f"kept the first {summary.kept:,} of {summary.seen:,} calls ({summary.cap})"


def replay(
    session: Session,
    recording: Recording,
    changes: Mapping[str, bytes],
    *,
    timeout: float | None = None,
    float_tolerance: float = 0.0,
    hide: Sequence[str] = (),
    generated: bool = False,
) -> BehaviourResult:
    """Replay every kept call with `changes` applied and `hide` deleted, and compare what each
    call did with what the unchanged code did."""
    with session.workspace({**changes, **probe_files(), RECORDING: recording.data}) as ws:
        if problem := _hide(ws, hide):
            return BehaviourResult(
                0, 0, (), 0, problem, f"could not hide the test files: {tail(problem)}"
            )
        config = ReplayConfig(f"{ws.root}/{RECORDING}")
        probed = run_probe(ws, config, script("replay"), timeout)
    return _result(probed, recording, float_tolerance, generated=generated)


def _hide(ws: Workspace, paths: Sequence[str]) -> RunResult | None:
    """Delete `paths` in the workspace; the failed run when that did not work."""
    if not paths:
        return None
    done = ws.run(["rm", "-f", "--", *(inside_path(p) for p in paths)])
    return None if done.ok else done


def _result(
    probed: ProbeRun[CheckResult], recording: Recording, tolerance: float, *, generated: bool
) -> BehaviourResult:
    result, run = probed.result, probed.run
    what = "generated inputs' replay" if generated else "replay"
    if result is None:
        error = f"{probed.why_missing(what)}: {tail(run)}"
        return BehaviourResult(0, 0, (), 0, run, error)
    if result.error:
        return BehaviourResult(0, 0, (), 0, run, result.error)
    seen: dict[int, Any] = {int(f["i"]): f["o"] for f in probed.frames.of("call")}
    mismatches: list[Mismatch] = []
    total = compared = 0
    parameters = list(recording.parameters)
    for index, expected in recording.expected.items():
        actual = seen.get(index)
        if actual is None:
            error = (
                f"the {what} sent nothing for call #{index}, which the unchanged code answered: "
                "the candidate's process cut the replay short or skipped it"
            )
            return BehaviourResult(compared, 0, tuple(mismatches), total, run, error)
        compared += 1
        found = compare(expected, actual, tolerance, parameters)
        if found is None:
            continue
        total += 1
        if len(mismatches) < MAX_MISMATCHES:
            mismatches.append(
                Mismatch(
                    index=index,
                    aspect=found.aspect,
                    arguments=recording.arguments.get(index, "(?)"),
                    expected=found.expected,
                    actual=found.actual,
                    where=found.where,
                    test=recording.tests.get(index, ""),
                    generated=generated,
                )
            )
    skipped = recording.calls - compared
    return BehaviourResult(
        compared, max(0, skipped), tuple(mismatches), total, run, None, result.note
    )
