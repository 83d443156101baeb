"""Shared fixtures: small real repositories, and both sandboxes.

Docker tests run against a real engine. Where none answers they are skipped with the reason,
except when RATCHET_REQUIRE_DOCKER=1 (set by .ci/run): then a missing engine fails them.
"""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from sandbox import Limits, SandboxUnavailable
from sandbox.base import Sandbox, Session

SMALL_LIMITS = Limits(timeout=60, memory_mb=256, pids=64, cpus=1.0, output_bytes=64 * 1024)


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return root


def git_init(root: Path) -> None:
    for argv in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "initial"]):
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *argv], cwd=root, check=True
        )


@pytest.fixture(scope="session")
def tiny_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A git repo with one module, one test, and an ignored file that must not be copied."""
    root = tmp_path_factory.mktemp("tiny")
    write_tree(
        root,
        {
            "mathy/__init__.py": "def double(x):\n    return 2 * x\n",
            "tests/test_mathy.py": """\
                from mathy import double

                def test_double():
                    assert double(21) == 42
                """,
            ".gitignore": "ignored.txt\n",
            "ignored.txt": "must not be copied\n",
        },
    )
    git_init(root)
    return root


def docker_or_skip() -> None:
    from sandbox.docker import connect
    from sandbox.images import resolve_base

    try:
        resolve_base(connect(), None)
    except SandboxUnavailable as exc:
        if os.environ.get("RATCHET_REQUIRE_DOCKER") == "1":
            pytest.fail(f"Docker is required here (RATCHET_REQUIRE_DOCKER=1): {exc}")
        pytest.skip(f"Docker tests need an engine and a base image: {exc}")


def make(name: str, cache_dir: Path, limits: Limits = SMALL_LIMITS) -> Sandbox:
    if name == "docker":
        docker_or_skip()
        from sandbox.docker import DockerSandbox

        return DockerSandbox(cache_dir, limits)
    from sandbox.local import LocalSandbox

    return LocalSandbox(cache_dir, limits)


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="session", params=["local", pytest.param("docker", marks=pytest.mark.docker)])
def session(request: pytest.FixtureRequest, tiny_repo: Path, cache_dir: Path) -> Iterator[Session]:
    """A prepared tiny_repo in each sandbox, shared by the tests of this run."""
    box = make(request.param, cache_dir)
    with box.prepare(tiny_repo) as prepared:
        yield prepared
