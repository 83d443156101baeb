"""The local sandbox from the host's side: bait the host holds, that code inside cannot reach.

Nothing here is skipped: the machine CI runs on must fence local runs, or these fail.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
from ast import literal_eval
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox.base import Session
from sandbox.local import LocalWorkspace
from tests.conftest import make


@pytest.fixture(scope="module")
def local(tiny_repo: Path, cache_dir: Path) -> Iterator[Session]:
    with make("local", cache_dir).prepare(tiny_repo) as session:
        yield session


@pytest.fixture
def ws(local: Session) -> Iterator[LocalWorkspace]:
    with local.workspace() as workspace:
        assert isinstance(workspace, LocalWorkspace)
        yield workspace


def py(ws: LocalWorkspace, code: str, *args: str) -> str:
    result = ws.run(["python", "-c", code, *args], timeout=60)
    return result.stdout + result.stderr


CONNECT = """
import socket, sys
for path in sys.argv[1:]:
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(2)
    try:
        s.connect(path.replace("@", "\\0", 1) if path.startswith("@") else path)
        print("CONNECTED", path)
    except OSError as e:
        print("refused", path, type(e).__name__)
"""


@contextlib.contextmanager
def listening(path: str) -> Iterator[str]:
    """A Unix socket listening on the host at `path` (`@name`: the abstract namespace)."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path.replace("@", "\0", 1) if path.startswith("@") else path)
    server.listen(1)
    try:
        yield path
    finally:
        server.close()
        if not path.startswith("@"):
            Path(path).unlink(missing_ok=True)


def test_a_unix_socket_the_host_opens_in_a_temp_folder_cannot_be_reached(
    ws: LocalWorkspace, tmp_path: Path
) -> None:
    with listening(str(tmp_path / "host.sock")) as path:
        with socket.socket(socket.AF_UNIX) as client:
            client.connect(path)  # it works from the host
        out = py(ws, CONNECT, path)
    assert "refused" in out and "CONNECTED" not in out, out


@pytest.mark.parametrize("folder", ["/run", "/var/run"])
def test_a_unix_socket_the_host_opens_under_run_cannot_be_reached(
    ws: LocalWorkspace, folder: str
) -> None:
    with listening(f"{folder}/ratchet-test-{secrets.token_hex(6)}.sock") as path:
        out = py(ws, CONNECT, path)
    assert "refused" in out and "CONNECTED" not in out, out


def test_an_abstract_unix_socket_of_the_host_cannot_be_reached(ws: LocalWorkspace) -> None:
    with listening(f"@ratchet-test-{secrets.token_hex(6)}") as name:
        out = py(ws, CONNECT, name)
    assert "refused" in out and "CONNECTED" not in out, out


def test_the_docker_socket_and_run_are_not_there(ws: LocalWorkspace) -> None:
    paths = ("/var/run/docker.sock", "/run/docker.sock", "/var/run", "/run")
    out = py(ws, "import os, sys; print([p for p in sys.argv[1:] if os.path.lexists(p)])", *paths)
    assert out.strip() == "[]", out


def test_a_file_planted_in_the_host_home_cannot_be_read(ws: LocalWorkspace) -> None:
    token = secrets.token_hex(16)
    secret = Path.home() / f".ratchet-test-secret-{token[:8]}"
    secret.write_text(token)
    try:
        code = (
            "import sys\n"
            "try:\n"
            "    print(open(sys.argv[1]).read())\n"
            "except OSError as e:\n"
            "    print('denied', type(e).__name__)\n"
        )
        out = py(ws, code, str(secret))
    finally:
        secret.unlink()
    assert token not in out and "denied" in out, out


def test_the_host_home_shows_nothing_of_its_own(ws: LocalWorkspace) -> None:
    """Only the folders bound for the interpreter may appear under the host's home path."""
    planted = Path.home() / f".ratchet-test-dir-{secrets.token_hex(4)}"
    planted.mkdir()
    try:
        out = py(
            ws,
            "import os, sys; print(os.listdir(sys.argv[1]) if os.path.isdir(sys.argv[1]) else [])",
            str(Path.home()),
        )
    finally:
        planted.rmdir()
    assert planted.name not in out and ".bash_history" not in out and ".ssh" not in out, out


def test_the_uid_inside_is_not_0_and_holds_no_capability(ws: LocalWorkspace) -> None:
    out = py(
        ws,
        "import os; print(os.getuid(), os.geteuid(), os.getgid(), open('/proc/self/status').read())",
    )
    uid, euid, gid = (int(v) for v in out.split()[:3])
    caps = {line.split()[0]: line.split()[1] for line in out.splitlines() if line.startswith("Cap")}
    assert 0 not in (uid, euid, gid) and set(caps.values()) == {"0000000000000000"}, out
    assert "NoNewPrivs:\t1" in out


def test_each_workspace_has_its_own_uid_when_ratchet_is_root(local: Session) -> None:
    if os.geteuid() != 0:
        pytest.skip("as a user that is not root, runs keep the user's uid")
    with local.workspace() as first, local.workspace() as second:
        uids = {ws.run(["id", "-u"]).stdout.strip() for ws in (first, second)}
    assert len(uids) == 2 and "0" not in uids


def test_etc_holds_only_what_a_run_needs(ws: LocalWorkspace) -> None:
    out = py(ws, "import os; print(sorted(os.listdir('/etc')))")
    assert "shadow" not in out and "ssh" not in out and "passwd" in out and "ld.so.cache" in out


def test_only_the_system_the_interpreter_and_the_workspace_are_visible(ws: LocalWorkspace) -> None:
    out = py(ws, "import os; print(sorted(os.listdir('/')))")
    assert not {"home", "var", "run", "srv", "opt", "mnt", "sys", "boot"} & set(literal_eval(out))


def test_the_workspace_is_writable_inside_and_readable_on_the_host(ws: LocalWorkspace) -> None:
    ws.write_file("from_host.txt", b"host")
    out = py(ws, "open('made_inside.txt', 'w').write(open('from_host.txt').read() + ' and inside')")
    assert ws.read_file("made_inside.txt") == b"host and inside", out
    assert (ws.host / "made_inside.txt").read_bytes() == b"host and inside"


def test_the_private_tmp_and_shm_are_writable(ws: LocalWorkspace) -> None:
    code = (
        "import multiprocessing, tempfile\n"
        "with tempfile.NamedTemporaryFile() as f: f.write(b'x')\n"
        "print(multiprocessing.Lock())\n"
        "with multiprocessing.Pool(2) as pool: print(pool.map(abs, [-1, -2]))\n"
    )
    assert "[1, 2]" in py(ws, code)


def test_the_seccomp_filter_is_loaded_and_refuses_vsock_and_user_namespaces(
    ws: LocalWorkspace,
) -> None:
    code = (
        "import ctypes, socket\n"
        "print(open('/proc/self/status').read().split('Seccomp:')[1].split()[0])\n"
        "try:\n"
        "    socket.socket(40, socket.SOCK_STREAM); print('vsock opened')\n"
        "except OSError as e:\n"
        "    print('vsock', e.errno)\n"
        "print('unshare', ctypes.CDLL(None, use_errno=True).unshare(0x10000000), ctypes.get_errno())\n"
    )
    out = py(ws, code).split()
    assert out == ["2", "vsock", "97", "unshare", "-1", "1"], out


def test_python_still_does_what_tests_do_under_the_filter(ws: LocalWorkspace) -> None:
    code = (
        "import asyncio, socket, subprocess\n"
        "asyncio.run(asyncio.sleep(0))\n"
        "a, b = socket.socketpair(); a.send(b'x'); assert b.recv(1) == b'x'\n"
        "print(subprocess.run(['echo', 'child'], capture_output=True, text=True).stdout.strip())\n"
    )
    assert py(ws, code).strip() == "child"


def test_a_loopback_server_inside_the_sandbox_works(ws: LocalWorkspace) -> None:
    code = (
        "import socket\n"
        "server = socket.create_server(('127.0.0.1', 0))\n"
        "socket.create_connection(server.getsockname()).close()\n"
        "print('loopback ok')\n"
    )
    assert "loopback ok" in py(ws, code)
