"""Instruction counts of one function on its workload, taken inside a sandbox workspace.

The probe (ratchet_probe.py) goes into every workspace at PROBE_DIR, with the callgrind
client-request extension compiled once per session. A measurement is K runs, each in a fresh
workspace with a different heap perturbation, each running the workload's tests twice (warm-up,
then measured) under the counter. Counters, in the order `auto` tries them:

    callgrind   valgrind --tool=callgrind, region mode: exact and repeatable   (instructions)
    perf        perf_event_open, user-space instructions retired              (instructions)
    bytecode    bytecodes executed in Python frames; advisory: blind to C     (bytecodes)
"""

from __future__ import annotations

import configparser
import json
import logging
import shlex
import sys
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sandbox.base import RunResult, Session, Workspace

from .counts import UNITS, InstructionCount

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
PROBE_DIR = ".ratchet/probe"
COUNTERS = ("callgrind", "perf", "bytecode")
PYTEST = ("-m", "pytest", "-q", "-p", "ratchet_probe", "-p", "no:cacheprovider")


def plugins_off(root: Path, files: Sequence[str]) -> tuple[str, ...]:
    """pytest plugins Ratchet installs for itself that the repo does not use: off in measured
    runs. Hypothesis's plugin costs seconds of import under valgrind."""
    try:
        text = " ".join(
            (root / f).read_text(encoding="utf-8", errors="replace")
            for f in files
            if f == "pyproject.toml"
            or (f.endswith(".txt") and "requirements" in f)
            or f in ("setup.cfg", "setup.py", "tox.ini")
        )
    except OSError:
        return ()
    return () if "hypothesis" in text.lower() else ("-p", "no:hypothesispytest")


class MeasurementError(Exception):
    """A measurement could not be taken; the message says why and what to do."""


@dataclass(frozen=True)
class Callers:
    """Which tests call a function, and how often, from one probe run over the suite."""

    calls: int
    tests: tuple[str, ...]
    benchmarks: tuple[str, ...]  # the callers that use pytest-benchmark's `benchmark` fixture

    @property
    def workload(self) -> tuple[str, ...]:
        """The repo's benchmarks that exercise the function where they exist, else its tests."""
        return self.benchmarks or self.tests


@dataclass(frozen=True)
class Measurement:
    function: str
    counts: tuple[InstructionCount, ...]  # one per heap perturbation
    calls: int  # outermost calls in one measured pass
    workload: tuple[str, ...]
    impl: str  # how the counter bracketed the region, e.g. "client-requests"
    seconds: float  # wall time of all runs, for people


def probe_files() -> dict[str, bytes]:
    return {
        f"{PROBE_DIR}/ratchet_probe.py": (HERE / "ratchet_probe.py").read_bytes(),
        f"{PROBE_DIR}/ratchet_callgrind.c": (HERE / "ratchet_callgrind.c").read_bytes(),
    }


class Meter:
    """Measures functions in one prepared session; resolves the counter and builds the probe once."""

    def __init__(
        self,
        session: Session,
        counter: str = "auto",
        runs: int = 3,
        timeout: float | None = None,
        parallel: int = 2,
    ) -> None:
        if counter not in ("auto", *COUNTERS):
            raise ValueError(f"unknown counter {counter!r}; choose auto, {', '.join(COUNTERS)}")
        self.session = session
        self.runs = runs
        self.timeout = timeout
        self.parallel = parallel  # measured runs side by side
        self.quiet = plugins_off(session.repo.root, session.repo.files)
        self.files = probe_files()
        self.counter, self.salt, self.impl_note = self._setup(counter)

    @property
    def impl(self) -> str:
        """How the counter brackets the region."""
        if self.counter == "callgrind":
            return "toggle-collect" if self.impl_note else "client-requests"
        return {"perf": "perf_event_open", "bytecode": "bytecode tracing"}[self.counter]

    def _setup(self, wanted: str) -> tuple[str, str, str]:
        """Pick the counter, compile the extension if callgrind and gcc allow; say why not."""
        with self.session.workspace(self.files) as ws:
            reasons = {name: self._check(ws, name) for name in COUNTERS}
            chosen = wanted if wanted != "auto" else next(n for n in COUNTERS if reasons[n] is None)
            if reasons[chosen] is not None:
                raise MeasurementError(f"the {chosen} counter cannot run here: {reasons[chosen]}.")
            if chosen != "callgrind":
                return chosen, "", ""
            version = ws.run(["valgrind", "--version"]).stdout.strip()
            built = ws.run(
                [
                    "python",
                    f"{ws.root}/{PROBE_DIR}/ratchet_probe.py",
                    "build-ext",
                    f"{ws.root}/{PROBE_DIR}",
                ]
            )
            if not built.ok:
                note = f"no compiled client requests ({_tail(built)}); using --toggle-collect"
                log.warning("callgrind: %s", note)
                return chosen, version, note
            name = built.stdout.strip().rsplit("/", 1)[-1]
            self.files[f"{PROBE_DIR}/{name}"] = ws.read_file(f"{PROBE_DIR}/{name}")
            return chosen, version, ""

    @staticmethod
    def _check(ws: Workspace, name: str) -> str | None:
        if name == "callgrind":
            found = ws.run(["sh", "-c", "command -v valgrind"])
            return None if found.ok else "valgrind is not installed in the sandbox"
        if name == "perf":
            code = "import ratchet_probe as p; p.PerfCounter()"
            result = ws.run(["python", "-c", code], env={"PYTHONPATH": f"{ws.root}/{PROBE_DIR}"})
            return None if result.ok else "this machine offers no hardware instruction counter"
        return None

    def _run_probe(
        self, ws: Workspace, config: dict[str, Any], argv: Sequence[str]
    ) -> dict[str, Any]:
        config = {**config, "output": f"{ws.root}/{PROBE_DIR}/result.json", "salt": self.salt}
        ws.write_file(f"{PROBE_DIR}/config.json", json.dumps(config).encode())
        env = {
            "RATCHET_PROBE": f"{ws.root}/{PROBE_DIR}/config.json",
            "PYTHONPATH": f"{ws.root}/{PROBE_DIR}",
        }
        result = ws.run(argv, env=env, timeout=self.timeout)
        try:
            report: dict[str, Any] = json.loads(ws.read_file(f"{PROBE_DIR}/result.json"))
        except (FileNotFoundError, ValueError) as exc:
            raise MeasurementError(
                f"the workload failed while being measured ({result.describe()}) before the "
                f"probe could write its result: {_tail(result)}"
            ) from exc
        report["_run"] = result
        return report

    def callers(self, targets: Sequence[str], paths: Sequence[str] = ()) -> dict[str, Callers]:
        """One run of the suite (plus `paths`, e.g. benchmark folders) recording who calls what."""
        with self.session.workspace(self.files) as ws:
            argv = ["python", *PYTEST, "--benchmark-disable", *paths]
            report = self._run_probe(ws, {"mode": "callers", "targets": list(targets)}, argv)
        if report["errors"]:
            raise MeasurementError("; ".join(report["errors"]))
        benchmarks = set(report.get("benchmarks", []))
        return {
            target: Callers(
                calls=report["calls"].get(target, 0),
                tests=tuple(t for t in report["callers"].get(target, []) if t not in benchmarks),
                benchmarks=tuple(t for t in report["callers"].get(target, []) if t in benchmarks),
            )
            for target in targets
        }

    def measure(
        self, target: str, workload: Sequence[str], changes: Mapping[str, bytes] | None = None
    ) -> Measurement:
        """K runs of `workload` (test node ids) counting instructions inside `target`.

        The runs go side by side (up to `parallel` at once): counts do not depend on timing,
        and valgrind's start-up is most of a short workload's wall time.
        """
        if not workload:
            raise MeasurementError(f"no test calls {target}, so there is nothing to measure it on.")
        with ThreadPoolExecutor(max_workers=max(1, min(self.parallel, self.runs))) as pool:
            runs = list(
                pool.map(lambda p: self._one_run(target, workload, changes, p), range(self.runs))
            )
        counts = tuple(count for count, _, _, _ in runs)
        seconds = sum(run.duration for _, run, _, _ in runs)
        _, _, calls, impl = runs[-1]
        return Measurement(target, counts, calls, tuple(workload), impl, seconds)

    def _one_run(
        self,
        target: str,
        workload: Sequence[str],
        changes: Mapping[str, bytes] | None,
        perturbation: int,
    ) -> tuple[InstructionCount, RunResult, int, str]:
        with self.session.workspace({**(changes or {}), **self.files}) as ws:
            config = {
                "mode": "measure",
                "targets": [target],
                "counter": self.counter,
                "perturbation": perturbation,
                "callgrind_out": f"{ws.root}/{PROBE_DIR}/callgrind.out",
            }
            report = self._run_probe(ws, config, self._argv(ws, workload))
            run: RunResult = report["_run"]
            calls, impl = report["calls"].get(target, 0), report["counter"]["impl"]
            self._check_report(target, report, run, calls)
            value = self._value(ws, report)
        count = InstructionCount(
            value=value,
            counter=self.counter,
            unit=UNITS[self.counter],
            fingerprint=report["fingerprint"],
            advisory=self.counter == "bytecode",
        )
        return count, run, calls, impl

    def _argv(self, ws: Workspace, workload: Sequence[str]) -> list[str]:
        pytest = ["--benchmark-disable", *self.quiet, *workload]
        if self.counter != "callgrind":
            return ["python", *PYTEST, *pytest]
        out = f"{ws.root}/{PROBE_DIR}/callgrind.out"
        region = (
            ["--instr-atstart=no"]
            if not self.impl_note
            else ["--instr-atstart=yes", "--toggle-collect=qsort"]
        )
        # `python` by its venv path, not its real path: the venv is found from argv[0].
        valgrind = [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            *region,
            f"--callgrind-out-file={out}",
        ]
        script = f'exec {shlex.join(valgrind)} "$(command -v python)" "$@"'
        return ["sh", "-c", script, "sh", *PYTEST, *pytest]

    def _value(self, ws: Workspace, report: dict[str, Any]) -> int:
        if report.get("value") is not None:
            return int(report["value"])
        text = ws.read_file(f"{PROBE_DIR}/callgrind.out").decode(errors="replace")
        for line in text.splitlines():
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1])
        raise MeasurementError("callgrind wrote no totals; the run may have crashed.")

    @staticmethod
    def _check_report(target: str, report: dict[str, Any], run: RunResult, calls: int) -> None:
        if report["errors"]:
            raise MeasurementError("; ".join(report["errors"]))
        if report["outcomes"]["failed"] or not run.ok:
            raise MeasurementError(
                f"the workload of {target} failed while being measured ({run.describe()}): "
                f"{_tail(run)}"
            )
        if calls == 0:
            raise MeasurementError(
                f"the workload never called {target} while being measured, so its count would "
                "be zero; pick tests that call it."
            )


BENCHMARK_DIRS = ("benchmarks", "benchmark", "bench")


def collection_paths(root: Path, files: Sequence[str]) -> list[str]:
    """What pytest should collect so that both the tests and the benchmarks are seen.

    No arguments collect pytest's configured testpaths; a benchmarks folder outside them is
    only collected when named, and naming it drops the testpaths, so both are named then.
    """
    testpaths = _testpaths(root)
    benches = sorted(
        {f.split("/")[0] for f in files if f.split("/")[0] in BENCHMARK_DIRS and f.endswith(".py")}
    )
    outside = [b for b in benches if testpaths and not any(b.startswith(t) for t in testpaths)]
    return [*testpaths, *outside] if outside else []


def _testpaths(root: Path) -> list[str]:
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            return []
        paths = data.get("tool", {}).get("pytest", {}).get("ini_options", {}).get("testpaths")
        if isinstance(paths, list):
            return [str(p) for p in paths]
        if isinstance(paths, str):
            return paths.split()
    ini = configparser.ConfigParser()
    for name, section in (
        ("pytest.ini", "pytest"),
        ("tox.ini", "pytest"),
        ("setup.cfg", "tool:pytest"),
    ):
        if (root / name).is_file():
            try:
                ini.read(root / name)
            except configparser.Error:
                continue
            if ini.has_option(section, "testpaths"):
                return ini.get(section, "testpaths").split()
    return []


def _tail(result: RunResult, lines: int = 6) -> str:
    text = (result.stdout + result.stderr).strip().splitlines()
    return " | ".join(text[-lines:]) or result.describe()
