"""Which instruction counter runs in a session, chosen once, before anything is measured.

`prepare_counter(session, wanted)` checks what the sandbox offers and, for callgrind, compiles the
probe's client-request extension; the `CounterChoice` it returns carries the result to every
measured run. Counters, in the order `auto` tries them:

    callgrind   valgrind --tool=callgrind, region mode: exact and repeatable   (instructions)
    perf        perf_event_open, user-space instructions retired              (instructions)
    bytecode    bytecodes executed in Python frames; advisory: blind to C     (bytecodes)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sandbox.base import Session, Workspace

from .counts import UNITS
from .probe import PACKAGE, PROBE_DIR, probe_files, run_command
from .runs import tail

log = logging.getLogger(__name__)

COUNTERS = ("callgrind", "perf", "bytecode")
CLIENT_REQUESTS, TOGGLE_COLLECT = "client-requests", "toggle-collect"
IMPLS = {"perf": "perf_event_open", "bytecode": "bytecode tracing"}


class MeasurementError(Exception):
    """A measurement could not be taken; the message says why and what to do."""


@dataclass(frozen=True)
class CounterChoice:
    """The counter every run of a session uses, and what it needs in each workspace."""

    name: str  # one of COUNTERS
    impl: str  # how the region is bracketed: client-requests, toggle-collect, perf_event_open...
    salt: str = ""  # the counter's version (valgrind --version), mixed into the fingerprint
    extension: tuple[tuple[str, bytes], ...] = ()  # the compiled client requests: (path, bytes)
    note: str = ""  # for people: why a fallback was taken

    @property
    def unit(self) -> str:
        return UNITS[self.name]

    @property
    def advisory(self) -> bool:
        """Bytecode counts cannot see work done in C."""
        return self.name == "bytecode"

    def files(self) -> dict[str, bytes]:
        """What every measuring workspace holds: the probe, and the extension when built."""
        return {**probe_files(), **dict(self.extension)}


def prepare_counter(session: Session, wanted: str = "auto") -> CounterChoice:
    """The `wanted` counter (for `auto`, the first of COUNTERS that runs here), with callgrind's
    client requests compiled where gcc allows. MeasurementError when it cannot run, saying why."""
    if wanted not in ("auto", *COUNTERS):
        raise ValueError(f"unknown counter {wanted!r}; choose auto, {', '.join(COUNTERS)}")
    with session.workspace(probe_files()) as ws:
        for name in COUNTERS if wanted == "auto" else (wanted,):
            problem = counter_problem(ws, name)
            if problem is None and name == "callgrind":
                return build_callgrind(ws)
            if problem is None:
                return CounterChoice(name, IMPLS[name])
            if wanted != "auto":
                raise MeasurementError(f"the {name} counter cannot run here: {problem}.")
    raise AssertionError("the bytecode counter runs everywhere")


def counter_problem(ws: Workspace, name: str) -> str | None:
    """None when the counter can run in the workspace, else why not."""
    if name == "callgrind":
        found = ws.run(["sh", "-c", "command -v valgrind"])
        return None if found.ok else "valgrind is not installed in the sandbox"
    if name == "perf":
        checked = run_command(ws, "perf-check")
        return None if checked.ok else "this machine offers no hardware instruction counter"
    return None


def build_callgrind(ws: Workspace) -> CounterChoice:
    """Callgrind with the client-request extension compiled in the sandbox; without a compiler,
    --toggle-collect around the probe's marker, and a warning that says so."""
    version = ws.run(["valgrind", "--version"]).stdout.strip()
    built = run_command(ws, "build-ext")
    if not built.ok:
        note = f"no compiled client requests ({tail(built)}); using --toggle-collect"
        log.warning("callgrind: %s", note)
        return CounterChoice("callgrind", TOGGLE_COLLECT, version, note=note)
    path = f"{PROBE_DIR}/{PACKAGE}/{built.stdout.strip().rsplit('/', 1)[-1]}"
    return CounterChoice("callgrind", CLIENT_REQUESTS, version, ((path, ws.read_file(path)),))
