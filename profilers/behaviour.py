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

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sandbox.base import RunResult, Session, Workspace, inside_path

from .measure import PROBE_DIR, PYTEST, probe_files

RECORDING = f"{PROBE_DIR}/recording.pickle"
ORIGINAL = f"{PROBE_DIR}/original.py"
SCRIPT = f"{PROBE_DIR}/ratchet_probe.py"
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
    files = probe_files()
    with session.workspace(files) as ws:
        config = {
            "mode": "record",
            "targets": [target],
            "recording": f"{ws.root}/{RECORDING}",
            "max_calls": max_calls,
            "max_bytes": max_bytes,
        }
        summary, run = _run(ws, config, ["python", *PYTEST, "--benchmark-disable", *tests], timeout)
        if summary is None:
            raise BehaviourError(
                f"the tests of {target} ended before the recording was written "
                f"({run.describe()}): {tail(run)}"
            )
        if summary["errors"]:
            raise BehaviourError("; ".join(summary["errors"]) + "; check the function's name.")
        if not summary["seen"]:
            raise BehaviourError(
                f"the tests {', '.join(tests) or '(all)'} never called {target}, so there is "
                "nothing to record; pick tests that call it."
            )
        data = ws.read_file(RECORDING)
    data, checked = _self_check(session, data, target, timeout)
    return Recording(
        target=target,
        data=data,
        calls=summary["kept"],
        seen=summary["seen"],
        unreplayable=checked["unreplayable"],
        cap=_cap(summary),
        dropped=checked["dropped"],
        argument_types=tuple(summary["argument_types"]),
    )


def _self_check(
    session: Session, data: bytes, target: str, timeout: float | None
) -> tuple[bytes, dict[str, Any]]:
    """Replay against the unchanged code; the probe rewrites the recording without the calls
    that did not reproduce."""
    with session.workspace({**probe_files(), RECORDING: data}) as ws:
        rewrite = f"{PROBE_DIR}/checked.pickle"
        config = {"self_check": True, "rewrite": f"{ws.root}/{rewrite}"}
        result, run = _script(ws, "replay", config, timeout)
        if result is None or result["error"]:
            why = result["error"] if result else f"{run.describe()}: {tail(run)}"
            raise BehaviourError(
                f"replaying the recorded calls of {target} against the unchanged code failed "
                f"({why}); the recording cannot be trusted."
            )
        return ws.read_file(rewrite), result


def _cap(summary: Mapping[str, Any]) -> str | None:
    if not summary["cap"]:
        return None
    kept, seen = summary["kept"], summary["seen"]
    return f"kept the first {kept:,} of {seen:,} calls ({summary['cap']})"


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
        result, run = _script(ws, "replay", {"float_tolerance": float_tolerance}, timeout)
    return _result(result, run, "replay")


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
        config = {
            "original": f"{ws.root}/{ORIGINAL}",
            "seconds": seconds,
            "max_examples": max_examples,
            "float_tolerance": float_tolerance,
        }
        result, run = _script(ws, "generate", config, timeout)
    return _result(result, run, "generation")


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


def _run(
    ws: Workspace, config: dict[str, Any], argv: Sequence[str], timeout: float | None
) -> tuple[dict[str, Any] | None, RunResult]:
    """Write the probe's config, run argv with it, read its result (None when it wrote none)."""
    nonce = secrets.token_hex(8)
    config_path, output = f"{PROBE_DIR}/config-{nonce}.json", f"{PROBE_DIR}/result-{nonce}.json"
    settings = {**config, "recording": f"{ws.root}/{RECORDING}", "output": f"{ws.root}/{output}"}
    ws.write_file(config_path, json.dumps(settings).encode())
    env = {"RATCHET_PROBE": f"{ws.root}/{config_path}", "PYTHONPATH": f"{ws.root}/{PROBE_DIR}"}
    argv = [a.replace("{config}", f"{ws.root}/{config_path}") for a in argv]
    run = ws.run(argv, env=env, timeout=timeout)
    try:
        result: dict[str, Any] = json.loads(ws.read_file(output))
    except (FileNotFoundError, ValueError):
        return None, run
    return result, run


def _script(
    ws: Workspace, command: str, config: dict[str, Any], timeout: float | None
) -> tuple[dict[str, Any] | None, RunResult]:
    return _run(ws, config, ["python", f"{ws.root}/{SCRIPT}", command, "{config}"], timeout)


def _result(result: dict[str, Any] | None, run: RunResult, what: str) -> BehaviourResult:
    if result is None:
        error = f"the {what} ended before writing its result ({run.describe()}): {tail(run)}"
        return BehaviourResult(0, 0, (), 0, run, error)
    generated = result.get("mode") == "generate"
    mismatches = tuple(
        Mismatch(
            index=m["index"],
            aspect=m["aspect"],
            arguments=m["arguments"],
            expected=m["expected"],
            actual=m["actual"],
            where=m["where"],
            test=m["test"],
            generated=generated,
        )
        for m in result["mismatches"]
    )
    return BehaviourResult(
        replayed=result["replayed"],
        skipped=result["skipped"],
        mismatches=mismatches,
        total_mismatches=result["total"],
        run=run,
        error=result["error"],
        note=result.get("note"),
    )


def tail(result: RunResult, lines: int = 6) -> str:
    text = (result.stdout + result.stderr).strip().splitlines()
    return " | ".join(text[-lines:]) or result.describe()
