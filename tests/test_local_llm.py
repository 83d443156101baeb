"""--llm local around the model: the checks before anything starts, the server's health wait, and
no server left behind however the run ends.

The runtime here is tests/standin (llama.cpp's server stood in by the scripted server of
tests/fake_llm.py, started exactly as Ratchet starts the real one); the real runtime and model
run in the opt-in tier, tests/test_local_model.py.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from agent.llm import LocalModel, LocalModelError, LocalServer
from agent.llm.local import check_model, sha256
from tests.test_cleanup import wait_for
from tests.test_cli import ROOT, ratchet
from tests.test_optimize import tiny

STANDIN = ROOT / "tests" / "standin"
NO_SERVER = ROOT / "tests" / "standin_without_server"
TOTAL = "why: sum is a C loop\n```python\ndef total(xs):\n    return sum(xs)\n```\n"


def gguf(path: Path, body: bytes = b"\x03\x00\x00\x00stand-in weights") -> Path:
    path.write_bytes(b"GGUF" + body)
    return path


def runtime_env(runtime: Path, record: Path, mode: str = "serve", replies: list[str] = ()) -> dict:
    replies_file = record.with_suffix(".replies.json")
    replies_file.write_text(json.dumps(list(replies)))
    return {
        "PYTHONPATH": os.pathsep.join([str(runtime), str(ROOT)]),
        "STANDIN_MODE": mode,
        "STANDIN_RECORD": str(record),
        "STANDIN_REPLIES": str(replies_file),
        "OPENAI_API_KEY": "",
        "OPENAI_BASE_URL": "",
    }


def optimize_local(repo: Path, model: Path, *extra: str) -> tuple[str, ...]:
    return ("optimize", str(repo), "--llm", "local", "--local-model", str(model), *extra)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split()[2] == "Z")


def listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def served_port(record: Path) -> int:
    argv = json.loads(record.read_text())["argv"]
    return int(argv[argv.index("--port") + 1])


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda p: p / "absent.gguf", "absent.gguf does not exist; pass a .gguf file"),
        (lambda p: p, "is a folder"),
        (lambda p: (p / "m.bin").write_bytes(b"PK\x03\x04zip") and p / "m.bin", "is not a GGUF"),
    ],
    ids=["missing", "folder", "not-gguf"],
)
def test_a_model_that_cannot_run_is_one_sentence_and_exit_2_before_any_sandbox(
    tmp_path: Path, cache_dir: Path, make: object, said: str
) -> None:
    model = make(tmp_path)  # type: ignore[operator]
    env = runtime_env(STANDIN, tmp_path / "record.json")
    done = ratchet(*optimize_local(tiny(tmp_path / "r"), model), env=env, cache=cache_dir)
    assert done.returncode == 2, done.stderr
    (line,) = [ln for ln in done.stderr.splitlines() if ln.startswith("ratchet: error:")]
    assert said in line
    assert "using the" not in done.stderr  # no sandbox was chosen, let alone started
    assert not (tmp_path / "record.json").exists()  # no server was started


def test_a_model_that_fails_its_hash_names_both_hashes(tmp_path: Path, cache_dir: Path) -> None:
    model = gguf(tmp_path / "m.gguf")
    (tmp_path / "m.gguf.sha256").write_text(f"{'0' * 64}  m.gguf\n")
    env = runtime_env(STANDIN, tmp_path / "record.json")
    done = ratchet(*optimize_local(tiny(tmp_path / "r"), model), env=env, cache=cache_dir)
    assert done.returncode == 2
    assert f"has sha256 {sha256(model)}, but m.gguf.sha256 beside it says {'0' * 64}" in done.stderr
    (tmp_path / "m.gguf.sha256").write_text(f"{sha256(model)}  m.gguf\n")
    check_model(model)  # the right hash passes


def test_without_the_runtime_the_sentence_gives_the_install_command(
    tmp_path: Path, cache_dir: Path
) -> None:
    env = runtime_env(NO_SERVER, tmp_path / "record.json")
    args = optimize_local(tiny(tmp_path / "r"), gguf(tmp_path / "m.gguf"))
    done = ratchet(*args, env=env, cache=cache_dir)
    assert done.returncode == 2
    assert "needs llama.cpp's server" in done.stderr
    assert "pip install 'ratchet-agent[local]'" in done.stderr


@pytest.fixture
def standin_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """The stand-in runtime for this process (the check) and its children (the server)."""
    monkeypatch.syspath_prepend(str(STANDIN))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(STANDIN), str(ROOT)]))
    for name in [m for m in sys.modules if m == "llama_cpp" or m.startswith("llama_cpp.")]:
        monkeypatch.delitem(sys.modules, name)


@pytest.mark.usefixtures("standin_path")
def test_a_server_that_never_answers_is_stopped_and_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "record.json"
    monkeypatch.setenv("STANDIN_MODE", "never")
    monkeypatch.setenv("STANDIN_RECORD", str(record))
    model = LocalModel(gguf(tmp_path / "m.gguf"), start_timeout=3)
    started = time.monotonic()
    with pytest.raises(
        LocalModelError, match=r"did not answer on http://127.0.0.1:\d+/v1 within 3 s"
    ):
        LocalServer.start(model, tmp_path / "logs")
    assert time.monotonic() - started < 3 + 6  # the wait, then SIGTERM's grace at most
    assert not alive(json.loads(record.read_text())["pid"])


@pytest.mark.usefixtures("standin_path")
def test_a_server_that_exits_at_start_is_reported_with_its_log_and_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STANDIN_MODE", "exit")
    with pytest.raises(LocalModelError) as caught:
        LocalServer.start(LocalModel(gguf(tmp_path / "m.gguf")), tmp_path / "logs")
    message = str(caught.value)
    assert message.startswith("the local model server exited at start (status 1)")
    assert "install it with `pip install 'ratchet-agent[local]'`" in message
    assert "No module named 'uvicorn'" in message  # the log's last lines, quoted


@pytest.mark.usefixtures("standin_path")
def test_the_server_is_started_for_the_machine_and_answers_the_real_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from agent.llm import LLMClient

    record = tmp_path / "record.json"
    monkeypatch.setenv("STANDIN_RECORD", str(record))
    monkeypatch.setenv("STANDIN_REPLIES", str(tmp_path / "replies.json"))
    (tmp_path / "replies.json").write_text(json.dumps(["hello"]))
    model = LocalModel(gguf(tmp_path / "qwen-test.gguf"), threads=3)
    with (
        LocalServer.start(model, tmp_path / "logs") as server,
        LLMClient(base_url=server.url) as llm,
    ):
        text = llm.complete([{"role": "user", "content": "hi"}], model=model.alias).texts
        facts = json.loads(record.read_text())
    assert text == ("hello",)
    argv = facts["argv"]
    assert argv[argv.index("--model_alias") + 1] == "qwen-test"
    assert argv[argv.index("--host") + 1] == "127.0.0.1"  # loopback only
    assert (argv[argv.index("--n_threads") + 1], argv[argv.index("--n_ctx") + 1]) == ("3", "4096")
    assert facts["omp"] == "PASSIVE"  # idle OpenMP threads sleep instead of spinning
    assert not alive(facts["pid"]) and not listening(server.port)


def test_optimize_with_the_local_model_gates_its_reply_and_stops_the_server(
    tmp_path: Path, cache_dir: Path
) -> None:
    record, report = tmp_path / "record.json", tmp_path / "report.json"
    env = runtime_env(STANDIN, record, replies=[TOTAL, TOTAL])
    args = optimize_local(tiny(tmp_path / "r"), gguf(tmp_path / "m.gguf"))
    more = ("--function", "calc.total", "--sandbox", "local", "--runs", "2")
    done = ratchet(*args, *more, "--json-report", str(report), env=env, cache=cache_dir)
    assert done.returncode == 0, done.stderr
    data = json.loads(report.read_text())
    (result,) = data["results"]
    assert (data["budget"], data["model"], result["status"]) == ("mid", "m", "accepted"), result
    # two replies asked for (mid_candidates), the same code twice: one gate run, one repeat
    assert [(a["step"], a["status"]) for a in result["attempts"]][-1][1] == "accepted"
    assert any("a repeat of llm: round 1, reply 1" in a["reason"] for a in result["attempts"])
    assert result["candidates"] == 1
    assert data["llm"]["calls"] == 1  # the stand-in answers n=2 in one request
    assert data["llm"]["seconds"] > 0
    pid = json.loads(record.read_text())["pid"]
    assert not alive(pid) and not listening(served_port(record))


def start_optimize(repo: Path, model: Path, env: dict[str, str], cache: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "agent", *optimize_local(repo, model, "--sandbox", "local")],
        env={**os.environ, **env, "RATCHET_CACHE_DIR": str(cache)},
        cwd=ROOT,
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # as at a terminal
    )


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_no_server_outlives_a_run_however_it_is_stopped(
    sig: signal.Signals, tmp_path: Path, cache_dir: Path
) -> None:
    record = tmp_path / "record.json"
    env = runtime_env(STANDIN, record, replies=[TOTAL])
    run = start_optimize(tiny(tmp_path / "r"), gguf(tmp_path / "m.gguf"), env, cache_dir)
    wait_for(lambda: record.exists() and listening(served_port(record)), 60)
    pid, port = json.loads(record.read_text())["pid"], served_port(record)
    run.send_signal(sig)
    _, err = run.communicate(timeout=60)
    if sig != signal.SIGKILL:
        assert run.returncode == 130 and "interrupted" in err, err
    wait_for(lambda: not alive(pid) and not listening(port), 10)
