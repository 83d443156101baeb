"""A full or partial test run with each test's outcome and evidence of tampering.

The probe (mode "suite") records every test's outcome as pytest reports it, the number of items
collected, pytest's exit status, and which parts of the test framework or the process (exit
functions, builtins, pytest's runner, reports and outcomes, pluggy, the probe itself) were
replaced between configuration and the end of the session. Its result goes to a file whose name
is random and whose config is deleted before any test runs; when the file is missing the run did
not finish (os._exit, a crash, a timeout), and neither did a session that pytest.exit ended.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sandbox.base import RunResult, Workspace

from .measure import PROBE_DIR, PYTEST

OUTCOMES = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")


@dataclass(frozen=True)
class SuiteReport:
    outcomes: Mapping[str, str]  # nodeid -> one of OUTCOMES (collection errors: the collector's id)
    collected: int  # items collected, after deselection
    finished: bool  # pytest reached sessionfinish uninterrupted and the probe wrote its result
    exitstatus: int | None  # pytest's session exit status as the probe saw it
    tampered: tuple[str, ...]  # sentences: what was patched in the test framework or process
    run: RunResult
    interrupted: str | None = None  # what ended the session early: pytest.exit(...), Ctrl-C

    @property
    def passed(self) -> frozenset[str]:
        return frozenset(t for t, o in self.outcomes.items() if o == "passed")

    @property
    def failed(self) -> frozenset[str]:
        return frozenset(t for t, o in self.outcomes.items() if o in ("failed", "error"))


def run_suite(
    ws: Workspace,
    tests: Sequence[str] = (),
    *,
    timeout: float | None = None,
    extra_args: Sequence[str] = (),
) -> SuiteReport:
    """Run pytest on `tests` (node ids or paths; none: pytest's own selection) in `ws`, which must
    already hold the probe files (profilers.measure.probe_files())."""
    nonce = secrets.token_hex(8)
    config_path, output = f"{PROBE_DIR}/suite-{nonce}.json", f"{PROBE_DIR}/suite-{nonce}.out"
    config = {"mode": "suite", "output": f"{ws.root}/{output}"}
    ws.write_file(config_path, json.dumps(config).encode())
    env = {"RATCHET_PROBE": f"{ws.root}/{config_path}", "PYTHONPATH": f"{ws.root}/{PROBE_DIR}"}
    argv = ["python", *PYTEST, "--benchmark-disable", *extra_args, *tests]
    run = ws.run(argv, env=env, timeout=timeout)
    try:
        result = json.loads(ws.read_file(output))
    except (FileNotFoundError, ValueError):
        return SuiteReport({}, 0, False, None, (), run)
    return read_report(result, run)


def read_report(result: Mapping[str, Any], run: RunResult) -> SuiteReport:
    """The probe's result as a SuiteReport; a process that exited otherwise than pytest's session
    ended (something ran after the session) counts as tampering."""
    outcomes = result.get("outcomes")
    status = result.get("exitstatus")
    exitstatus = status if isinstance(status, int) else None
    tampered = [str(t) for t in result.get("tampered") or ()]
    if exitstatus is not None and not run.timed_out and run.returncode != exitstatus:
        tampered.append(
            f"pytest's session ended with exit status {exitstatus}, but the process exited "
            f"with {run.returncode}: something ran after the session and changed how it ended"
        )
    collected = result.get("collected")
    return SuiteReport(
        outcomes=dict(outcomes) if isinstance(outcomes, dict) else {},
        collected=collected if isinstance(collected, int) else 0,
        finished=bool(result.get("finished")),
        exitstatus=exitstatus,
        tampered=tuple(tampered),
        run=run,
        interrupted=str(result["interrupted"]) if result.get("interrupted") else None,
    )
