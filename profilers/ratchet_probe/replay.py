"""Replaying recorded calls against the code in the workspace (the candidate, or the unchanged
code when the recording checks itself), sending what each call did to the host."""

from __future__ import annotations

import importlib
import os
import pickle
import sys
import traceback
import types
from collections.abc import Callable
from typing import Any

from .channel import send
from .observe import digest, observe_call
from .protocol import ReplayConfig
from .targets import resolve
from .values import MISSING, PICKLE_PROTOCOL, describe_arguments, thaw

Recording = dict[str, Any]  # the pickle record.py writes: target, calls, parameters, sys_path


class TargetImportError(Exception):
    """The target could not be imported; the message says why, with the file and line."""


class Tally:
    """What a replay or a generation found so far."""

    def __init__(self) -> None:
        self.replayed = 0
        self.skipped = 0
        self.note: str | None = None
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
    """Replay every replayable call in order and send what each did ("call" frames); with
    self_check (the unchanged code), twice, the second time as a digest, and rewrite the
    recording with arguments only: the candidate's process never sees an expected output."""
    function, module_name, _ = import_target(recording["target"])
    module = sys.modules.get(module_name)
    problems: dict[int, str] = {}
    durations: dict[int, float] = {}
    if config.self_check:
        send("parameters", list(recording.get("parameters", [])))
    for number in range(2 if config.self_check else 1):
        for call in recording["calls"]:
            index = call["index"]
            if not call["replayable"] or index in problems:
                tally.skipped += number == 0
                continue
            limit = max(config.call_timeout, 20 * call.get("duration", 0.0))
            try:
                observed, duration = observe_call(function, call["args"], limit, module)
            except ValueError as exc:
                problems[index] = f"{exc} outside the test run"
                tally.skipped += 1
                continue
            tally.replayed += number == 0
            durations.setdefault(index, duration)
            if number == 0:
                shown = _arguments_of(call) if config.self_check else ""
                send("call", {"i": index, "o": observed, "a": shown, "t": call.get("test", "")})
            else:
                send("again", {"i": index, "h": digest(observed)})
    if config.rewrite:
        rewrite_recording(config.rewrite, recording, problems, durations, tally)


def rewrite_recording(
    path: str,
    recording: Recording,
    problems: dict[int, str],
    durations: dict[int, float],
    tally: Tally,
) -> None:
    """The recording as candidates get it: each call's arguments, and how long the unchanged code
    took on it; calls whose arguments did not load are marked unreplayable, and why."""
    calls = []
    for call in recording["calls"]:
        index = call["index"]
        replayable = call["replayable"] and index not in problems
        calls.append(
            {
                "index": index,
                "test": call.get("test", ""),
                "args": call["args"] if replayable else None,
                "replayable": replayable,
                "reason": problems.get(index, call.get("reason")),
                "duration": durations.get(index, call.get("duration", 0.0)),
            }
        )
    kept = {
        k: recording[k] for k in ("version", "target", "parameters", "sys_path") if k in recording
    }
    with open(path, "wb") as handle:
        pickle.dump({**kept, "calls": calls}, handle, protocol=PICKLE_PROTOCOL)
    tally.unreplayable = sum(not c["replayable"] for c in calls)


def _arguments_of(call: dict[str, Any]) -> str:
    loaded = thaw(call["args"])
    return "(?)" if loaded is MISSING else describe_arguments(*loaded)
