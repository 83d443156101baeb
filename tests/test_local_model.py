"""The opt-in tier: the real local model (Qwen2.5-Coder 0.5B through llama.cpp), end to end.

    bash scripts/local-model.sh          # once: the pinned model and the runtime
    .venv/bin/python -m pytest -m local_model

Deselected by default (pyproject's addopts) and skipped, with the reason, where the model or
the runtime is missing: neither the default run nor CI builds llama.cpp or fetches a model.
What a real model writes varies, so these tests assert what must hold whatever it writes: the
run completes, every reply is either gated or counted with its reason, a wrong candidate is
never accepted, and no server outlives the run.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from agent.config import LOCAL_MODEL, default_cache_dir
from tests.test_cleanup import wait_for
from tests.test_cli import ROOT, ratchet
from tests.test_local_llm import alive, listening
from tests.test_optimize import copy_example

pytestmark = pytest.mark.local_model

MODEL = Path(os.environ.get("RATCHET_LOCAL_MODEL") or default_cache_dir(os.environ) / LOCAL_MODEL)


@pytest.fixture(autouse=True)
def model_and_runtime() -> None:
    if not MODEL.is_file():
        pytest.skip(f"no local model at {MODEL}; fetch it with `bash scripts/local-model.sh`")
    if importlib.util.find_spec("llama_cpp") is None:
        pytest.skip("llama.cpp's server is not installed: pip install 'ratchet-agent[local]'")


def test_mid_tier_optimize_with_the_real_model_proposes_gates_and_reports(
    tmp_path: Path, cache_dir: Path
) -> None:
    report = tmp_path / "report.json"
    repo = copy_example(tmp_path / "example")
    done = ratchet(
        "optimize", str(repo), "--llm", "local", "--local-model", str(MODEL),
        "--function", "wordfreq.filters.unique_words", "--sandbox", "local",
        "--json-report", str(report), cache=cache_dir, timeout=1800,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text())
    (result,) = data["results"]
    assert data["budget"] == "mid" and data["model"] == MODEL.name.removesuffix(".gguf")
    assert data["llm"]["calls"] >= 1 and data["llm"]["completion_tokens"] > 0
    assert result["attempts"], "every reply is gated or counted with its reason"
    for attempt in result["attempts"]:
        assert attempt["reason"], attempt
    # the run's verdict is the gate's: accepted only with fewer instructions and passing tests
    if result["status"] == "accepted":
        assert result["instructions"]["gain"] > 0
        assert result["tests"]["failed"] == 0
    assert "starting the local model" in done.stderr


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_the_real_server_dies_with_an_interrupted_run(
    sig: signal.Signals, tmp_path: Path, cache_dir: Path
) -> None:
    logs = cache_dir / "logs"
    before = set(logs.glob("llama-server-*.log"))  # the cache (and its logs) outlive one test
    run = subprocess.Popen(
        [sys.executable, "-m", "agent", "optimize", str(copy_example(tmp_path / "example")),
         "--llm", "local", "--local-model", str(MODEL), "--sandbox", "local"],
        env={**os.environ, "RATCHET_CACHE_DIR": str(cache_dir)},
        cwd=ROOT, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    wait_for(lambda: bool(set(logs.glob("llama-server-*.log")) - before), 60)
    (log,) = set(logs.glob("llama-server-*.log")) - before
    port = int(log.stem.rsplit("-", 1)[1])
    wait_for(lambda: listening(port), 120)
    servers = [p for p in _pids() if f"--port\0{port}" in _cmdline(p)]
    assert servers, "the server runs under the port its log names"
    run.send_signal(sig)
    _, err = run.communicate(timeout=120)
    assert run.returncode == 130 and "interrupted" in err, err
    wait_for(lambda: not listening(port) and not any(alive(p) for p in servers), 15)


def _pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""
