"""Replaying recorded calls against the code in the workspace (the candidate, or the unchanged
code when the recording checks itself)."""

from __future__ import annotations

import importlib
import os
import pickle
import sys
import traceback
import types
from collections.abc import Callable
from typing import Any

from .calls import compare_outcomes, mismatch, recorded_outcome, run_call
from .protocol import MismatchRecord, ReplayConfig
from .targets import resolve
from .values import MISSING, PICKLE_PROTOCOL, describe_arguments, thaw

MAX_MISMATCHES = 5

Recording = dict[str, Any]  # the pickle record.py writes: target, calls, parameters, sys_path


class TargetImportError(Exception):
    """The target could not be imported; the message says why, with the file and line."""


class Tally:
    """What a replay or a generation found so far."""

    def __init__(self) -> None:
        self.replayed = 0
        self.skipped = 0
        self.total = 0
        self.mismatches: list[MismatchRecord] = []
        self.note: str | None = None
        self.dropped = 0
        self.unreplayable = 0


def import_target(qualname: str) -> tuple[Callable[..., Any], str, list[str]]:
    """(function, its module's name, the attribute path inside the module); errors carry a
    sentence with the file and line where importing failed."""
    parts = qualname.split(".")
    try:
        for split in range(len(parts) - 1, 0, -1):
            name = ".".join(parts[:split])
            try:
                importlib.import_module(name)
            except ModuleNotFoundError as exc:
                missing = exc.name or ""
                if missing and (name == missing or name.startswith(missing + ".")):
                    continue
                raise
            break
        owner, _, raw = resolve(qualname)
    except BaseException as exc:
        raise TargetImportError(f"importing {qualname} failed: {describe_exception(exc)}") from None
    function = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
    module = owner.__name__ if isinstance(owner, types.ModuleType) else owner.__module__
    return function, module, qualname[len(module) + 1 :].split(".")


def describe_exception(exc: BaseException) -> str:
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip().replace("\n", " ")
    frames = traceback.extract_tb(exc.__traceback__)
    inside = [f for f in frames if os.path.realpath(f.filename).startswith(os.getcwd())]
    where = inside[-1] if inside else (frames[-1] if frames else None)
    if where is not None:
        text += f" (at {os.path.relpath(where.filename)}:{where.lineno})"
    return text[:1000]


def load_recording(path: str) -> Recording:
    """The recording, read into memory and deleted from disk before any candidate code runs."""
    with open(path, "rb") as handle:
        recording: Recording = pickle.load(handle)
    os.remove(path)
    return recording


def prepare_sys_path(recording: Recording) -> None:
    """The workspace's import paths as the tests had them (pytest inserts its rootdirs)."""
    root = os.getcwd()
    for entry in reversed(recording.get("sys_path", [])):
        path = os.path.normpath(os.path.join(root, entry))
        if path not in sys.path:
            sys.path.insert(0, path)
    if root not in sys.path:
        sys.path.insert(0, root)


def replay_calls(config: ReplayConfig, recording: Recording, tally: Tally) -> None:
    """Replay every replayable call in order; with self_check, twice, and rewrite the recording
    with the calls that did not reproduce (or could not be loaded) marked unreplayable."""
    function, _, _ = import_target(recording["target"])
    parameters = recording.get("parameters", [])
    problems: dict[int, str] = {}
    for number in range(2 if config.self_check else 1):
        for call in recording["calls"]:
            if not call["replayable"] or call["index"] in problems:
                tally.skipped += number == 0
                continue
            limit = max(config.call_timeout, 20 * call["duration"])
            try:
                actual = run_call(function, call["args"], limit)
            except ValueError as exc:
                problems[call["index"]] = f"{exc} outside the test run"
                tally.skipped += 1
                continue
            tally.replayed += number == 0
            expected = recorded_outcome(call)
            found = compare_outcomes(expected, actual, config.float_tolerance, {}, parameters)
            if found is None:
                continue
            problems[call["index"]] = (
                f"not reproducible: the {found.aspect} differed on replay "
                f"({found.where or found.actual})"
            )
            if number == 0:
                tally.total += 1
                if len(tally.mismatches) < MAX_MISMATCHES:
                    shown = _arguments_of(call)
                    tally.mismatches.append(mismatch(call["index"], call["test"], shown, found))
    if config.rewrite:
        rewrite_recording(config.rewrite, recording, problems, tally)


def rewrite_recording(
    path: str, recording: Recording, problems: dict[int, str], tally: Tally
) -> None:
    """The recording with the calls that did not reproduce marked unreplayable, and why."""
    for call in recording["calls"]:
        if call["index"] in problems:
            call["replayable"], call["reason"] = False, problems[call["index"]]
    with open(path, "wb") as handle:
        pickle.dump(recording, handle, protocol=PICKLE_PROTOCOL)
    tally.dropped = sum(p.startswith("not reproducible") for p in problems.values())
    tally.unreplayable = sum(not c["replayable"] for c in recording["calls"])


def _arguments_of(call: dict[str, Any]) -> str:
    loaded = thaw(call["args"])
    return "(?)" if loaded is MISSING else describe_arguments(*loaded)
