"""A src-layout repository (code under src/, not installed) gets a baseline and a verdict: the
environment puts the workspace's src/ on sys.path, so the candidate's copy is what runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.repo import import_roots, pth_line
from tests.test_cli import verify_json

SLOW = '''def dedupe(items):
    """The items without repeats, in first-seen order."""
    seen = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen
'''
FAST = '''def dedupe(items):
    """The items without repeats, in first-seen order."""
    return list(dict.fromkeys(items))
'''
TESTS = """from minilib.core import dedupe


def test_dedupe_keeps_first_seen_order():
    assert dedupe([3, 1, 3, 2, 1]) == [3, 1, 2]


def test_dedupe_many():
    assert dedupe(list(range(300)) * 3) == list(range(300))
"""


def src_repo(root: Path) -> Path:
    (root / "src" / "minilib").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "minilib"\nversion = "0.1"\n')
    (root / "src" / "minilib" / "__init__.py").write_text('"""A tiny library."""\n')
    (root / "src" / "minilib" / "core.py").write_text(SLOW)
    (root / "tests" / "test_core.py").write_text(TESTS)
    return root


def test_src_layout_puts_src_on_the_path() -> None:
    assert import_roots(("src/pkg/__init__.py", "tests/test_a.py")) == ("src",)


def test_flat_layout_and_tests_under_src_add_nothing() -> None:
    assert import_roots(("pkg/__init__.py", "src/tests/test_a.py")) == ()


def test_the_path_names_the_workspace_copy() -> None:
    assert pth_line("/workspace", ("src",)) == "/workspace/src\n"


@pytest.mark.parametrize("box", ["local", pytest.param("docker", marks=pytest.mark.docker)])
def test_src_layout_gets_a_baseline_and_accepts_an_honest_rewrite(
    box: str, tmp_path: Path, cache_dir: Path
) -> None:
    repo = src_repo(tmp_path / "minilib")
    verdict, run = verify_json(repo, "minilib.core.dedupe", FAST, box, cache_dir)
    assert verdict["verdict"] == "accepted", run.stderr[-3000:]
