"""A local code model for the run: llama.cpp's OpenAI-compatible server, on loopback, owned by
the run that started it.

    with LocalServer.start(LocalModel(path), log_dir) as server:
        client = LLMClient(base_url=server.url, ...)   # the same budgeted client as for an API

`check_model` refuses, before anything starts, a model file that does not exist, is not GGUF,
or does not match the sha256 in the `NAME.gguf.sha256` beside it (scripts/local-model.sh writes
one). `start` refuses a Python without the runtime (`pip install 'ratchet-agent[local]'`),
starts the server in its own process group on a free loopback port, and waits for it to answer;
a server that exits or does not answer in time is stopped and reported. Leaving the block (also
through Ctrl-C or SIGTERM, which the CLI turns into KeyboardInterrupt) stops the whole group;
on Linux the server also dies with Ratchet if Ratchet is killed outright.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import importlib.util
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from .errors import LLMError
from .profiles import LOCAL, ModelProfile

log = logging.getLogger(__name__)

GGUF_MAGIC = b"GGUF"
INSTALL = "pip install 'ratchet-agent[local]'"
RUNTIME = "llama_cpp.server"
STOP_GRACE = 5.0  # seconds between SIGTERM and SIGKILL
PR_SET_PDEATHSIG = 1


class LocalModelError(LLMError):
    """The local model cannot be used or its server cannot run; the message says what to do."""


@dataclass(frozen=True)
class LocalModel:
    """A GGUF model file and how to run it."""

    path: Path
    threads: int = 0  # 0: chosen for the machine
    start_timeout: float = 120.0
    profile: ModelProfile = LOCAL

    @property
    def alias(self) -> str:
        """The model's name in requests and reports: the file's name without `.gguf`."""
        return self.path.name.removesuffix(".gguf")


def check_model(path: Path) -> None:
    """Raise LocalModelError unless `path` is a readable GGUF file that matches its sidecar hash."""
    if not path.is_file():
        where = "is a folder" if path.is_dir() else "does not exist"
        raise LocalModelError(
            f"the local model {path} {where}; pass a .gguf file with --local-model, or fetch "
            "the test model with scripts/local-model.sh"
        )
    with path.open("rb") as file:
        head = file.read(len(GGUF_MAGIC))
    if head != GGUF_MAGIC:
        raise LocalModelError(
            f"the local model {path} is not a GGUF file (it starts with {head!r}, not "
            f"{GGUF_MAGIC!r}); llama.cpp runs GGUF models only: convert it, or pick another file"
        )
    sidecar = path.with_name(path.name + ".sha256")
    if not sidecar.is_file():
        return
    expected = next(iter(sidecar.read_text(encoding="utf-8").split()), "").lower()
    found = sha256(path)
    if found != expected:
        raise LocalModelError(
            f"the local model {path} has sha256 {found}, but {sidecar.name} beside it says "
            f"{expected or 'nothing'}; the file is damaged or not the one pinned: fetch it again "
            "with scripts/local-model.sh"
        )


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check_runtime() -> None:
    """Raise LocalModelError unless this Python can run llama.cpp's server."""
    try:
        found = importlib.util.find_spec(RUNTIME) is not None
    except ModuleNotFoundError:
        found = False
    if not found:
        raise LocalModelError(
            f"--llm local needs llama.cpp's server, which this Python ({sys.executable}) does "
            f"not have; install it with `{INSTALL}` (it builds llama.cpp: about 12 CPU-minutes)"
        )


def threads_for(model: LocalModel) -> int:
    """The threads to generate with: the setting, else half the CPUs this process may use.

    Two generating threads on a shared 2-core machine collapse (each spins while the other is
    descheduled), so a small machine gets one; the OpenMP wait policy is passive either way."""
    if model.threads > 0:
        return model.threads
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min((usable or 1) // 2, 8))


class LocalServer:
    """A running llama.cpp server; `stop` (or leaving the `with` block) ends its process group."""

    def __init__(self, process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
        self.process, self.port, self.log_path = process, port, log_path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @classmethod
    def start(
        cls,
        model: LocalModel,
        log_dir: Path,
        progress: Callable[[str], None] = log.info,
    ) -> LocalServer:
        """Start the server for `model` and wait until it answers; raises LocalModelError."""
        check_model(model.path)
        check_runtime()
        log_dir.mkdir(parents=True, exist_ok=True)
        port, threads = free_port(), threads_for(model)
        log_path = log_dir / f"llama-server-{port}.log"
        argv = [
            sys.executable, "-m", RUNTIME, "--model", str(model.path),
            "--model_alias", model.alias, "--host", "127.0.0.1", "--port", str(port),
            "--n_ctx", str(model.profile.context), "--n_threads", str(threads),
        ]  # fmt: skip
        env = {**os.environ, "OMP_WAIT_POLICY": "PASSIVE"}
        progress(f"starting the local model {model.alias} ({threads} thread(s), log {log_path})")
        with log_path.open("wb") as out:
            process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
                preexec_fn=_die_with_parent if sys.platform == "linux" else None,
            )
        server = cls(process, port, log_path)
        try:
            server.wait_ready(model.start_timeout)
        except BaseException:
            server.stop()
            raise
        return server

    def wait_ready(self, limit: float) -> None:
        """Return once GET /v1/models answers 200; raise LocalModelError if the server exits
        or `limit` seconds pass first."""
        started = time.monotonic()
        while time.monotonic() - started < limit:
            if self.process.poll() is not None:
                raise LocalModelError(self._exited())
            if self._answers():
                log.info(
                    "the local model answers on %s after %.1f s",
                    self.url,
                    time.monotonic() - started,
                )
                return
            time.sleep(0.2)
        raise LocalModelError(
            f"the local model server did not answer on {self.url} within {limit:g} s; it was "
            f"stopped. Its log: {self.log_path}{self._tail()}"
        )

    def _answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/models", timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def _exited(self) -> str:
        code = self.process.returncode
        tail = self._tail()
        hint = (
            f"; its runtime is incomplete: install it with `{INSTALL}`"
            if "ModuleNotFoundError" in tail or "ImportError" in tail
            else ""
        )
        return f"the local model server exited at start (status {code}){hint}. Its log: {self.log_path}{tail}"

    def _tail(self, lines: int = 5) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        kept = [line for line in text.splitlines() if line.strip()][-lines:]
        return "".join(f"\n  {line}" for line in kept)

    def stop(self) -> None:
        """End the server's process group: SIGTERM, then SIGKILL after a grace period."""
        if self.process.poll() is None:
            _signal_group(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(STOP_GRACE)
            except subprocess.TimeoutExpired:
                _signal_group(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def free_port() -> int:
    """A loopback port nothing listens on now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the process that started it dies."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
