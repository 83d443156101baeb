"""What a function does on the inputs its tests give it, recorded once and checked against rewrites.

    record(session, target, tests) -> Recording        the tests run with the probe in "record"
        mode; then the recording is replayed against the unchanged code (twice) and calls that do
        not reproduce (random, time, ids) are dropped
    replay(session, recording, changes) -> BehaviourResult     every recorded call, candidate in
    generate(session, recording, original, changes) -> BehaviourResult    Hypothesis inputs drawn
        from the recorded types, original and candidate side by side in one process

The recording is a pickle made and read only inside the sandbox; the host carries its bytes and
never unpickles them. Replay reads it, deletes it, and only then imports the candidate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sandbox.base import RunResult, Session, Workspace, inside_path

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
ORIGINAL = f"{PROBE_DIR}/original.py"
ASPECTS = ("return", "exception", "mutation", "stdout")


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
    dropped: int = 0  # of the unreplayable: calls the unchanged code did not reproduce
    argument_types: tuple[str, ...] = ()  # e.g. ("text: str", "n: int | NoneType")


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
        if self.aspect == "mutation":
            what = (
                f"left its arguments as {self.expected} with the original code, but as "
                f"{self.actual} with the candidate."
            )
        elif self.aspect == "stdout":
            what = f"printed {self.expected} with the original code, but {self.actual} with the candidate."
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
    data, checked = _self_check(session, data, target, timeout)
    return Recording(
        target=target,
        data=data,
        calls=summary.kept,
        seen=summary.seen,
        unreplayable=checked.unreplayable,
        cap=_cap(summary),
        dropped=checked.dropped,
        argument_types=summary.argument_types,
    )


def _recorded(target: str, tests: Sequence[str], probed: ProbeRun[RecordResult]) -> RecordResult:
    """The recording's summary; BehaviourError when there is no usable recording."""
    summary, run = probed.result, probed.run
    if summary is None:
        raise BehaviourError(
            f"the tests of {target} ended before the recording was written "
            f"({run.describe()}): {tail(run)}"
        )
    if summary.errors:
        raise BehaviourError("; ".join(summary.errors) + "; check the function's name.")
    if not summary.seen:
        raise BehaviourError(
            f"the tests {', '.join(tests) or '(all)'} never called {target}, so there is "
            "nothing to record; pick tests that call it."
        )
    return summary


def _self_check(
    session: Session, data: bytes, target: str, timeout: float | None
) -> tuple[bytes, CheckResult]:
    """Replay against the unchanged code; the probe rewrites the recording without the calls
    that did not reproduce."""
    with session.workspace({**probe_files(), RECORDING: data}) as ws:
        config = ReplayConfig(
            f"{ws.root}/{RECORDING}", self_check=True, rewrite=f"{ws.root}/{CHECKED}"
        )
        probed = run_probe(ws, config, script("replay"), timeout)
        result, run = probed.result, probed.run
        if result is None or result.error:
            why = result.error if result else f"{run.describe()}: {tail(run)}"
            raise BehaviourError(
                f"replaying the recorded calls of {target} against the unchanged code failed "
                f"({why}); the recording cannot be trusted."
            )
        return ws.read_file(CHECKED), result


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
) -> BehaviourResult:
    """Replay every replayable recorded call with `changes` applied and `hide` deleted."""
    with session.workspace({**changes, **probe_files(), RECORDING: recording.data}) as ws:
        if problem := _hide(ws, hide):
            return BehaviourResult(
                0, 0, (), 0, problem, f"could not hide the test files: {tail(problem)}"
            )
        config = ReplayConfig(f"{ws.root}/{RECORDING}", float_tolerance=float_tolerance)
        probed = run_probe(ws, config, script("replay"), timeout)
    return _result(probed, "replay", generated=False)


def generate(
    session: Session,
    recording: Recording,
    original: Mapping[str, bytes],
    changes: Mapping[str, bytes],
    *,
    seconds: float = 5.0,
    max_examples: int = 200,
    timeout: float | None = None,
    float_tolerance: float = 0.0,
    hide: Sequence[str] = (),
) -> BehaviourResult:
    """Hypothesis inputs shaped like the recorded ones; the original (`original`: the target
    module's repo path -> its original bytes) and the candidate must agree on every one."""
    source = _original_source(recording.target, original)
    files = {**changes, **probe_files(), RECORDING: recording.data, ORIGINAL: source}
    with session.workspace(files) as ws:
        if problem := _hide(ws, hide):
            return BehaviourResult(
                0, 0, (), 0, problem, f"could not hide the test files: {tail(problem)}"
            )
        config = GenerateConfig(
            f"{ws.root}/{RECORDING}",
            f"{ws.root}/{ORIGINAL}",
            seconds=seconds,
            max_examples=max_examples,
            float_tolerance=float_tolerance,
        )
        probed = run_probe(ws, config, script("generate"), timeout)
    return _result(probed, "generation", generated=True)


def _original_source(target: str, original: Mapping[str, bytes]) -> bytes:
    """The original module's bytes: the only entry, or the one whose path matches the target."""
    if len(original) == 1:
        return next(iter(original.values()))
    parts = target.split(".")
    for split in range(len(parts) - 1, 0, -1):
        stem = "/".join(parts[:split])
        for path in (f"{stem}.py", f"{stem}/__init__.py"):
            for name, data in original.items():
                if name == path or name.endswith("/" + path):
                    return data
    raise ValueError(f"none of {sorted(original)} is the module that defines {target}")


def _hide(ws: Workspace, paths: Sequence[str]) -> RunResult | None:
    """Delete `paths` in the workspace; the failed run when that did not work."""
    if not paths:
        return None
    done = ws.run(["rm", "-f", "--", *(inside_path(p) for p in paths)])
    return None if done.ok else done


def _result(probed: ProbeRun[CheckResult], what: str, *, generated: bool) -> BehaviourResult:
    result, run = probed.result, probed.run
    if result is None:
        error = f"the {what} ended before writing its result ({run.describe()}): {tail(run)}"
        return BehaviourResult(0, 0, (), 0, run, error)
    mismatches = tuple(
        Mismatch(
            index=m.index,
            aspect=m.aspect,
            arguments=m.arguments,
            expected=m.expected,
            actual=m.actual,
            where=m.where,
            test=m.test,
            generated=generated,
        )
        for m in result.mismatches
    )
    return BehaviourResult(
        replayed=result.replayed,
        skipped=result.skipped,
        mismatches=mismatches,
        total_mismatches=result.total,
        run=run,
        error=result.error,
        note=result.note,
    )
