"""Running the probe in a workspace: the only host code that knows its file protocol.

The probe package goes into every workspace at PROBE_DIR (`probe_files()`), and PYTHONPATH
points there, so `pytest -p ratchet_probe` and `python -m ratchet_probe` find it. `run_probe`
writes the mode's config under a random name, names it in $RATCHET_PROBE, runs argv, and reads
the result from the random name the config gave. The probe deletes the config before any test
or candidate code runs; a result that is missing or not of its mode's shape means the process
ended before the probe wrote it (a crash, os._exit, a timeout).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Generic, Protocol, TypeVar

from sandbox.base import RunResult, Workspace

from .ratchet_probe.protocol import CONFIG_ENV

PACKAGE = "ratchet_probe"
PROBE_DIR = ".ratchet/probe"
PYTEST = ("-m", "pytest", "-q", "-p", PACKAGE, "-p", "no:cacheprovider")  # after `python`
HERE = Path(__file__).parent / PACKAGE

R = TypeVar("R", covariant=True)


class ProbeConfig(Protocol[R]):
    """A mode's config from profilers.ratchet_probe.protocol, whose result has the shape R."""

    mode: ClassVar[str]

    def encode(self, output: str) -> str: ...

    def read_result(self, data: object) -> R: ...


@dataclass(frozen=True)
class ProbeRun(Generic[R]):
    result: R | None  # None: the process ended before the probe wrote its result
    run: RunResult


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
    nonce = secrets.token_hex(8)
    config_path, output = f"{PROBE_DIR}/config-{nonce}.json", f"{PROBE_DIR}/result-{nonce}.json"
    ws.write_file(config_path, config.encode(f"{ws.root}/{output}").encode())
    env = {CONFIG_ENV: f"{ws.root}/{config_path}", **probe_env(ws)}
    run = ws.run(argv, env=env, timeout=timeout)
    try:
        result = config.read_result(json.loads(ws.read_file(output)))
    except (FileNotFoundError, ValueError):  # ProtocolError is a ValueError, as JSON's are
        return ProbeRun(None, run)
    return ProbeRun(result, run)


def run_command(ws: Workspace, *args: str, timeout: float | None = None) -> RunResult:
    """`python -m ratchet_probe ARGS` without a config: build-ext, perf-check."""
    return ws.run(["python", "-m", PACKAGE, *args], env=probe_env(ws), timeout=timeout)


def script(command: str) -> list[str]:
    """The argv of a script entry run by run_probe: `python -m ratchet_probe replay`."""
    return ["python", "-m", PACKAGE, command]


def probe_env(ws: Workspace) -> dict[str, str]:
    return {"PYTHONPATH": f"{ws.root}/{PROBE_DIR}"}
