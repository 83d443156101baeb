"""Each isolation property, with real processes, against every sandbox that claims it."""

from __future__ import annotations

import socket
import time
import uuid
from pathlib import Path

import pytest

from sandbox import base
from sandbox.base import Session


def py(code: str) -> list[str]:
    return ["python", "-c", code]


def claims(session: Session, prop: str) -> None:
    """Skip (with the reason the sandbox gives) only where the sandbox does not claim `prop`."""
    sandbox_name = type(session).__name__
    reason = _guarantees(session).get(prop)
    if reason is not None:
        pytest.skip(f"{sandbox_name} does not claim {prop}: {reason}")


def _guarantees(session: Session) -> dict[str, str | None]:
    from sandbox.docker import DockerSession
    from sandbox.local import LocalSandbox

    if isinstance(session, DockerSession):
        return dict.fromkeys(base.PROPERTIES)
    return LocalSandbox(Path("/nonexistent")).guarantees()


def test_tests_pass_in_a_fresh_workspace(session: Session) -> None:
    with session.workspace() as ws:
        result = ws.run(["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"])
    assert result.ok, result.stdout + result.stderr


def test_ignored_files_are_not_copied(session: Session) -> None:
    assert "ignored.txt" not in session.repo.files


def test_network_connections_fail(session: Session) -> None:
    """A listener on the host's own loopback is the nearest network there is: unreachable."""
    claims(session, base.NETWORK)
    code = (
        "import socket, sys\n"
        "try:\n"
        "    socket.create_connection(('127.0.0.1', int(sys.argv[1])), timeout=3)\n"
        "    print('CONNECTED')\n"
        "except OSError as e:\n"
        "    print('refused', e)\n"
    )
    with socket.create_server(("127.0.0.1", 0)) as listener, session.workspace() as ws:
        result = ws.run([*py(code), str(listener.getsockname()[1])])
    assert result.stdout.startswith("refused"), result.stdout + result.stderr


def test_writes_outside_the_workspace_leave_the_host_untouched(
    session: Session, tmp_path: Path
) -> None:
    claims(session, base.FILESYSTEM)
    marker = f"ratchet-escape-{uuid.uuid4().hex}"
    targets = [
        str(session.repo.root / "tests" / "test_mathy.py"),  # the user's own tree
        f"/tmp/{marker}",
        str(Path.home() / marker),
        str(tmp_path / marker),
    ]
    code = (
        "import sys\n"
        "for path in sys.argv[1:]:\n"
        "    try:\n"
        "        open(path, 'a').write('owned')\n"
        "    except OSError as e:\n"
        "        print('denied', path, e.errno)\n"
    )
    before = (session.repo.root / "tests" / "test_mathy.py").read_text()
    with session.workspace() as ws:
        ws.run([*py(code), *targets])
    assert (session.repo.root / "tests" / "test_mathy.py").read_text() == before
    assert not any(Path(t).exists() for t in targets[1:])


def test_environment_secrets_never_arrive(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    claims(session, base.SECRETS)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-host-secret-1")
    monkeypatch.setenv("GITHUB_TOKEN", "ghp-host-secret-2")
    monkeypatch.setenv("HARMLESS_LOOKING", "host-value-3")
    with session.workspace() as ws:
        result = ws.run(
            py("import os; print(sorted(os.environ.items()))"),
            env={"DB_PASSWORD": "passed-secret-4", "RATCHET_MODE": "ok"},
        )
    leaked = [s for s in ("secret-1", "secret-2", "host-value-3", "secret-4") if s in result.stdout]
    assert leaked == [] and "RATCHET_MODE" in result.stdout


def test_infinite_loop_ends_at_the_timeout(session: Session) -> None:
    claims(session, base.TIMEOUT)
    with session.workspace() as ws:
        result = ws.run(py("while True: pass"), timeout=2)
        after = ws.run(["true"])
    assert (result.timed_out, result.limit, after.ok) == (True, "timeout", True)


def test_timeout_kills_the_whole_process_tree(session: Session) -> None:
    claims(session, base.TIMEOUT)
    code = (
        "import subprocess, time\n"
        "subprocess.Popen(['sh', '-c', 'sleep 30; echo survivor > survivor.txt'],"
        " start_new_session=True)\n"
        "time.sleep(60)\n"
    )
    with session.workspace() as ws:
        result = ws.run(py(code), timeout=2)
        time.sleep(0.5)
        leftover = ws.run(["sh", "-c", "ps -eo args | grep -c '[s]leep 30' || true"])
    assert result.timed_out and leftover.stdout.strip() == "0"


def test_fork_bomb_ends_at_the_process_limit(session: Session) -> None:
    claims(session, base.PROCESSES)
    bomb = (
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    )
    started = time.monotonic()
    with session.workspace() as ws:
        result = ws.run(py(bomb), timeout=10)
        after = ws.run(["true"])
    assert result.limit == "processes", result.describe()
    assert after.ok and time.monotonic() - started < 60


def test_memory_bomb_ends_at_the_memory_limit(session: Session) -> None:
    claims(session, base.MEMORY)
    bomb = "chunks = []\nwhile True:\n    chunks.append(bytearray(32 * 1024 * 1024))\n"
    with session.workspace() as ws:
        result = ws.run(py(bomb), timeout=60)
        after = ws.run(["true"])
    assert (result.limit, result.ok, after.ok) == ("memory", False, True), result.describe()


def test_output_is_capped(session: Session) -> None:
    with session.workspace() as ws:
        result = ws.run(py("import sys\nfor _ in range(64): sys.stdout.write('x' * 65536)"))
    assert len(result.stdout) < 70 * 1024 and result.dropped_bytes >= 63 * 65536


def test_a_second_workspace_never_sees_the_first_ones_edits(session: Session) -> None:
    first = session.workspace({"mathy/__init__.py": b"def double(x):\n    return 0\n"})
    with first:
        first.write_file("scratch.txt", b"from the first candidate")
        first.run(["sh", "-c", "echo more >> tests/test_mathy.py"])
        with session.workspace() as second:
            seen = second.run(["sh", "-c", "cat mathy/__init__.py; ls; cat tests/test_mathy.py"])
            assert first.read_file("mathy/__init__.py") == b"def double(x):\n    return 0\n"
    assert "return 2 * x" in seen.stdout
    assert "scratch.txt" not in seen.stdout and "more" not in seen.stdout


def test_files_round_trip_and_paths_cannot_escape(session: Session) -> None:
    with session.workspace({"pkg/new.py": b"VALUE = 1\n"}) as ws:
        ws.write_file("data/bytes.bin", bytes(range(256)))
        assert ws.read_file("data/bytes.bin") == bytes(range(256))
        assert ws.run(py("import pkg.new; print(pkg.new.VALUE)")).stdout.strip() == "1"
        with pytest.raises(ValueError, match="not a path inside the workspace"):
            ws.write_file("../escape.txt", b"x")


def test_runs_are_never_root(session: Session) -> None:
    with session.workspace() as ws:
        assert ws.run(["id", "-u"]).stdout.strip() not in ("0", "")


def test_capabilities_are_dropped(session: Session) -> None:
    with session.workspace() as ws:
        result = ws.run(["sh", "-c", "grep CapEff /proc/self/status"])
    assert result.stdout.split()[-1] == "0000000000000000"


def test_profiling_workspaces_may_ptrace(session: Session) -> None:
    """py-spy samples its own child inside the sandbox: ptrace must work there (and only there)."""
    with session.workspace(profiling=True) as ws:
        result = ws.run(
            [
                "py-spy",
                "record",
                "--format",
                "raw",
                "-o",
                "/tmp/profile.txt",
                "--",
                "python",
                "-c",
                "sum(i * i for i in range(3_000_000))",
            ]
        )
    assert result.ok and "Samples:" in result.stdout + result.stderr, (
        result.describe() + result.stderr
    )


def test_pids_are_private(session: Session) -> None:
    with session.workspace() as ws:
        result = ws.run(["sh", "-c", "ls /proc | grep -c '^[0-9]'"])
    assert int(result.stdout) < 20  # the host has hundreds; a private pid namespace a handful
