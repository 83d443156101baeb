"""Running the probe in a workspace: the only host code that knows its file protocol.

The probe package goes into every workspace at PROBE_DIR (`probe_files()`), and PYTHONPATH
points there, so `pytest -p ratchet_probe` and `python -m ratchet_probe` find it. `run_probe`
writes the mode's config under a random name, names it in $RATCHET_PROBE, runs argv, and reads
the probe's frames from the run's stdout (profilers/channel.py): nothing the probe reports comes
from a file the candidate's process could rewrite. The probe deletes the config, which holds the
channel's nonce, before any test or candidate code runs. A result that is missing or not of its
mode's shape means the process ended before the probe sent it (a crash, os._exit, a timeout); a
channel that was tampered with gives no result and says how (`ProbeRun.forged`).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Generic, Protocol, TypeVar

from sandbox.base import RunResult, Workspace

from .channel import Frames, read_frames
from .ratchet_probe.protocol import CONFIG_ENV, ProtocolError

PACKAGE = "ratchet_probe"
PROBE_DIR = ".ratchet/probe"
PYTEST = ("-m", "pytest", "-q", "-p", PACKAGE, "-p", "no:cacheprovider")  # after `python`
HERE = Path(__file__).parent / PACKAGE

R = TypeVar("R", covariant=True)


class ProbeConfig(Protocol[R]):
    """A mode's config from profilers.ratchet_probe.protocol, whose result has the shape R."""

    mode: ClassVar[str]

    def encode(self, nonce: str) -> str: ...

    def read_result(self, data: object) -> R: ...


@dataclass(frozen=True)
class ProbeRun(Generic[R]):
    result: R | None  # None: the process ended before the probe sent it, or the channel was forged
    run: RunResult
    frames: Frames = field(default_factory=lambda: Frames((), None))  # as the probe sent them

    @property
    def forged(self) -> str | None:
        """How the result channel was tampered with, as a sentence; None when it was not."""
        return self.frames.problem

    def why_missing(self, what: str) -> str:
        """Why there is no result: the forged channel, or how the process ended."""
        if self.forged:
            return self.forged
        flooded = (
            f"; it printed more than the sandbox keeps ({self.run.dropped_bytes} bytes dropped)"
            if self.run.dropped_bytes
            else ""
        )
        return f"the {what} ended before the probe sent its result ({self.run.describe()}{flooded})"


def probe_files() -> dict[str, bytes]:
    """The probe package (and the C source of its callgrind extension), keyed by where each
    file goes in a workspace."""
    sources = sorted([*HERE.glob("*.py"), HERE / "_callgrind.c"])
    return {f"{PROBE_DIR}/{PACKAGE}/{path.name}": path.read_bytes() for path in sources}


def run_probe(
    ws: Workspace, config: ProbeConfig[R], argv: Sequence[str], timeout: float | None = None
) -> ProbeRun[R]:
    """Run argv (pytest with `-p ratchet_probe`, or `python -m ratchet_probe COMMAND`) with the
    probe configured by `config`; `ws` must already hold probe_files()."""
    name, nonce = secrets.token_hex(8), secrets.token_hex(16)
    config_path = f"{PROBE_DIR}/config-{name}.json"
    ws.write_file(config_path, config.encode(nonce).encode())
    env = {CONFIG_ENV: f"{ws.root}/{config_path}", **probe_env(ws)}
    run = ws.run(argv, env=env, timeout=timeout)
    frames = read_frames(run.stdout, nonce)
    if frames.result is not None and (problem := _exit_problem(frames, run)):
        frames = Frames(frames.items, None, problem, frames.exit)
    if frames.result is None:
        return ProbeRun(None, run, frames)
    try:
        result = config.read_result(frames.result)
    except ProtocolError as exc:
        return ProbeRun(None, run, Frames(frames.items, None, f"the probe's result: {exc}"))
    return ProbeRun(result, run, frames)


def run_command(ws: Workspace, *args: str, timeout: float | None = None) -> RunResult:
    """`python -m ratchet_probe ARGS` without a config: build-ext, perf-check."""
    return ws.run(["python", "-m", PACKAGE, *args], env=probe_env(ws), timeout=timeout)


def script(command: str) -> list[str]:
    """The argv of a script entry run by run_probe: `python -m ratchet_probe replay`."""
    return ["python", "-m", PACKAGE, command]


def probe_env(ws: Workspace) -> dict[str, str]:
    return {"PYTHONPATH": f"{ws.root}/{PROBE_DIR}"}


def _exit_problem(frames: Frames, run: RunResult) -> str | None:
    """Why a run that sent its result still cannot be trusted: it did not end the normal way, or
    it left processes behind."""
    if frames.exit is None:
        if run.timed_out:
            return None
        return (
            "the process ended without the probe's last frame, after its result: something "
            "ended it early (os._exit, a signal, a crash) once the checks had run"
        )
    leftovers = frames.exit.get("leftovers", 0)
    if isinstance(leftovers, int) and leftovers > 0:
        return (
            f"{leftovers} process(es) the run started were still alive when it ended, and were "
            "killed: a process that outlives its run can rewrite what is read after it or do "
            "work no count sees; a rewrite must not leave processes behind"
        )
    return None
