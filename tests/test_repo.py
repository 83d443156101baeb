"""Reading a target repository from the outside: real files, real git repos in tmp_path."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from sandbox import BadRepository
from sandbox.layout import layout_of
from sandbox.repo import (
    TOOLS,
    Dependencies,
    check_repo,
    find_tests,
    list_files,
    read_dependencies,
    require_tests,
)


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def git(root: Path, *argv: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *argv], cwd=root, check=True
    )


@pytest.fixture
def committed(tmp_path: Path) -> Path:
    """A git repo with tracked, ignored, untracked and deleted-after-commit files."""
    write(tmp_path, {"pkg/a.py": "", "gone.py": "", ".gitignore": "secret.txt\n"})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "initial")
    write(tmp_path, {"new.py": "", "secret.txt": ""})
    (tmp_path / "gone.py").unlink()
    return tmp_path


def test_check_repo_rejects_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(BadRepository, match="does not exist"):
        check_repo(tmp_path / "nope")


def test_check_repo_rejects_a_file(tmp_path: Path) -> None:
    with pytest.raises(BadRepository, match="is not a directory"):
        check_repo(write(tmp_path, {"f.py": ""}) / "f.py")


def test_check_repo_returns_a_directory_resolved(tmp_path: Path) -> None:
    assert check_repo(tmp_path / "." / ".") == tmp_path.resolve()


def test_git_repo_lists_tracked_files(committed: Path) -> None:
    assert "pkg/a.py" in list_files(committed)


def test_git_repo_lists_untracked_files_that_are_not_ignored(committed: Path) -> None:
    assert "new.py" in list_files(committed)


def test_git_repo_excludes_ignored_files(committed: Path) -> None:
    assert "secret.txt" not in list_files(committed)


def test_git_repo_excludes_tracked_files_deleted_from_the_work_tree(committed: Path) -> None:
    assert "gone.py" not in list_files(committed)


def test_plain_directory_skips_caches_venvs_egg_info_and_bytecode(tmp_path: Path) -> None:
    junk = ["__pycache__/m.cpython-311.pyc", ".venv/lib/x.py", "pkg.egg-info/PKG-INFO", "m.pyc"]
    write(tmp_path, dict.fromkeys(["m.py", "sub/n.py", *junk], ""))
    assert list_files(tmp_path) == ("m.py", "sub/n.py")


def test_find_tests_uses_pytest_default_names() -> None:
    files = ("tests/test_a.py", "pkg/b_test.py", "tests/conftest.py", "test_data.txt", "a.py")
    assert find_tests(files) == ["tests/test_a.py", "pkg/b_test.py"]


def test_find_tests_is_the_layouts_tests() -> None:
    files = ("tests/test_a.py", "pkg/b_test.py", "benchmarks/bench_c.py", "conftest.py")
    assert tuple(find_tests(files)) == layout_of(files).tests


def test_require_tests_says_no_tests_were_found(tmp_path: Path) -> None:
    with pytest.raises(BadRepository, match="no tests found"):
        require_tests(tmp_path, ("pkg/a.py",))


def test_require_tests_accepts_a_repo_with_one_test(tmp_path: Path) -> None:
    require_tests(tmp_path, ("tests/test_a.py",))  # raises BadRepository if it disagrees


PYPROJECT = """\
[project]
name = "p"
dependencies = ["requests>=2"]
[project.optional-dependencies]
test = ["pytest-mock"]
dev = ["hypothesis"]
docs = ["sphinx"]
[dependency-groups]
tests = ["coverage"]
"""


def deps(tmp_path: Path, files: dict[str, str]) -> Dependencies:
    write(tmp_path, files)
    return read_dependencies(tmp_path, tuple(sorted(files)))


def test_pyproject_dependencies_and_test_extras_and_groups_are_read(tmp_path: Path) -> None:
    found = deps(tmp_path, {"pyproject.toml": PYPROJECT}).requirements
    assert found == ("requests>=2", "pytest-mock", "coverage", "hypothesis")


def test_extras_that_are_not_for_tests_are_left_out(tmp_path: Path) -> None:
    assert "sphinx" not in deps(tmp_path, {"pyproject.toml": PYPROJECT}).requirements


def test_included_dependency_groups_are_followed(tmp_path: Path) -> None:
    groups = '[dependency-groups]\ntest = [{include-group = "lint"}]\nlint = ["ruff"]\n'
    assert deps(tmp_path, {"pyproject.toml": groups}).requirements == ("ruff",)


def test_a_group_that_includes_itself_is_a_bad_repository(tmp_path: Path) -> None:
    groups = '[dependency-groups]\ntest = [{include-group = "test"}]\n'
    with pytest.raises(BadRepository, match="includes itself"):
        deps(tmp_path, {"pyproject.toml": groups})


def test_requirement_files_are_read_at_the_top_level_only(tmp_path: Path) -> None:
    files = {"requirements.txt": "", "dev-requirements.txt": "", "docs/requirements.txt": ""}
    found = deps(tmp_path, files).requirement_files
    assert found == ("dev-requirements.txt", "requirements.txt")


def test_invalid_pyproject_is_a_bad_repository(tmp_path: Path) -> None:
    with pytest.raises(BadRepository, match="not valid TOML"):
        deps(tmp_path, {"pyproject.toml": "[project\n"})


def test_key_is_stable_for_equal_input(tmp_path: Path) -> None:
    first = deps(tmp_path, {"requirements.txt": "attrs\n"}).key(tmp_path)
    assert deps(tmp_path, {"requirements.txt": "attrs\n"}).key(tmp_path) == first


def test_key_changes_when_a_requirement_file_changes(tmp_path: Path) -> None:
    before = deps(tmp_path, {"requirements.txt": "attrs\n"}).key(tmp_path)
    after = deps(tmp_path, {"requirements.txt": "attrs==23.1\n"}).key(tmp_path)
    assert before != after


def test_key_changes_with_salt(tmp_path: Path) -> None:
    found = deps(tmp_path, {"requirements.txt": "attrs\n"})
    assert found.key(tmp_path, "py3.11") != found.key(tmp_path, "py3.12")


def test_pip_args_are_tools_then_requirements_then_files() -> None:
    found = Dependencies(requirements=("attrs",), requirement_files=("requirements.txt",))
    assert found.pip_args() == [*TOOLS, "attrs", "-r", "requirements.txt"]


def test_check_repo_refuses_the_filesystem_root() -> None:
    with pytest.raises(BadRepository, match="is the root of the filesystem"):
        check_repo(Path("/"))


def test_list_files_stops_walking_past_the_file_limit(tmp_path: Path) -> None:
    write(tmp_path, {f"d{i}/m{j}.py": "" for i in range(3) for j in range(5)})
    with pytest.raises(BadRepository, match=r"more than 10 files outside \.git"):
        list_files(tmp_path, max_files=10)


def test_list_files_counts_what_git_lists(committed: Path) -> None:
    with pytest.raises(BadRepository, match="more than 1 files not ignored by git"):
        list_files(committed, max_files=1)


def test_list_files_refuses_too_many_bytes_and_names_the_largest(tmp_path: Path) -> None:
    write(tmp_path, {"small.py": "x = 1\n", "big.bin": "x" * 3 * 2**20})
    with pytest.raises(BadRepository, match=r"the largest is big\.bin, 3 MiB"):
        list_files(tmp_path, max_bytes=2**20)


def test_list_files_refuses_too_many_folders(tmp_path: Path) -> None:
    for i in range(12):
        (tmp_path / f"empty{i}").mkdir()
    with pytest.raises(BadRepository, match="more than 10 folders"):
        list_files(tmp_path, max_files=10)


def test_list_files_keeps_links_to_files_and_leaves_out_dangling_ones(tmp_path: Path) -> None:
    write(tmp_path, {"m.py": ""})
    (tmp_path / "alias.py").symlink_to("m.py")
    (tmp_path / "dangling.py").symlink_to("gone.py")
    assert list_files(tmp_path) == ("alias.py", "m.py")
