"""The project's own metadata in the sandbox: `importlib.metadata` sees the repo's name and
version (toolz's `__version__` is read that way, and its suite checks it), with no installed copy
of its code."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.metadata import read_metadata
from tests.conftest import make, write_tree

PKG_INFO = "Metadata-Version: 2.1\nName: mini-lib\nVersion: 1.2.0\nSummary: A tiny library.\n"
CHECK = (
    "import importlib.metadata as m, minilib; "
    "print(m.version('mini-lib'), minilib.__file__.startswith('/'))"
)


def names(root: Path, files: dict[str, str]) -> tuple[str, str, str] | None:
    write_tree(root, files)
    found = read_metadata(root, list(files))
    return (found.name, found.version, found.source) if found else None


def test_an_sdist_brings_its_pkg_info(tmp_path: Path) -> None:
    files = {
        "PKG-INFO": PKG_INFO,
        "pyproject.toml": '[project]\nname = "x"\ndynamic = ["version"]\n',
    }
    assert names(tmp_path, files) == ("mini-lib", "1.2.0", "PKG-INFO")


def test_a_static_pyproject_version_is_used_and_a_dynamic_one_is_not_guessed(
    tmp_path: Path,
) -> None:
    static = {"pyproject.toml": '[project]\nname = "mini-lib"\nversion = "0.3"\n'}
    dynamic = {"pyproject.toml": '[project]\nname = "mini-lib"\ndynamic = ["version"]\n'}
    assert names(tmp_path / "a", static) == ("mini-lib", "0.3", "pyproject.toml")
    assert names(tmp_path / "b", dynamic) is None


def test_setup_cfg_counts_only_a_literal_version(tmp_path: Path) -> None:
    literal = {"setup.cfg": "[metadata]\nname = mini-lib\nversion = 2.0.1\n"}
    computed = {"setup.cfg": "[metadata]\nname = mini-lib\nversion = attr: minilib.__version__\n"}
    assert names(tmp_path / "a", literal) == ("mini-lib", "2.0.1", "setup.cfg")
    assert names(tmp_path / "b", computed) is None


def test_the_folder_is_named_as_a_wheel_names_it(tmp_path: Path) -> None:
    found = read_metadata(*_written(tmp_path, {"PKG-INFO": PKG_INFO}))
    assert found is not None and found.dist_info == "mini_lib-1.2.0.dist-info"


def _written(root: Path, files: dict[str, str]) -> tuple[Path, list[str]]:
    write_tree(root, files)
    return root, list(files)


@pytest.mark.parametrize("box", ["local", pytest.param("docker", marks=pytest.mark.docker)])
def test_the_sandbox_sees_the_version_and_runs_the_workspace_code(
    box: str, tmp_path: Path, cache_dir: Path
) -> None:
    repo = tmp_path / "repo"
    write_tree(repo, {
        "PKG-INFO": PKG_INFO,
        "minilib/__init__.py": '"""A tiny library."""\n',
        "tests/test_it.py": "def test_it():\n    pass\n",
    })  # fmt: skip
    with make(box, cache_dir).prepare(repo) as session, session.workspace() as ws:
        done = ws.run(["python", "-c", CHECK], timeout=120)
        where = ws.run(["python", "-c", "import minilib; print(minilib.__file__)"], timeout=60)
    assert done.ok, done.describe()
    assert done.stdout.split() == ["1.2.0", "True"]
    assert where.stdout.strip().startswith(ws.root), where.stdout  # the copy, not an install
