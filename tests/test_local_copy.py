"""The repo copy is not a way in: symlinks stay symlinks, and those that leave the repo are refused."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
from pathlib import Path

import pytest

from sandbox import BadRepository
from sandbox.copy import Entry, copy_tree, open_beneath, plan_copy, tar_tree
from sandbox.docker import DockerSandbox
from sandbox.local import LocalSandbox
from tests.conftest import SMALL_LIMITS, git_init, write_tree

REPO = {
    "pkg/__init__.py": "VALUE = 1\n",
    "data/real.txt": "inside the repo\n",
    "tests/test_pkg.py": "from pkg import VALUE\n\ndef test_value():\n    assert VALUE == 1\n",
}


def repo_with(tmp_path: Path, links: dict[str, str]) -> Path:
    root = write_tree(tmp_path / "repo", REPO)
    for name, target in links.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        os.symlink(target, root / name)
    git_init(root)
    return root


@pytest.fixture
def host_secret(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text(f"host secret {secrets.token_hex(8)}\n")
    return secret


def files_of(root: Path) -> list[str]:
    out = subprocess.run(["git", "-C", str(root), "ls-files"], capture_output=True, text=True)
    return out.stdout.split()


@pytest.mark.parametrize(
    "target",
    ["{secret}", "../../outside/secret.txt", "../pkg/../../outside/secret.txt", "/etc/passwd"],
)
def test_a_symlink_that_leaves_the_repo_is_refused_in_one_sentence_naming_it(
    tmp_path: Path, host_secret: Path, target: str
) -> None:
    target = target.format(secret=host_secret)
    root = repo_with(tmp_path, {"data/leak.txt": target})
    with pytest.raises(BadRepository) as refused:
        plan_copy(root, files_of(root))
    message = str(refused.value)
    assert f"data/leak.txt -> {target}" in message and message.count(". ") == 0


def test_a_link_that_leaves_through_another_link_is_refused(
    tmp_path: Path, host_secret: Path
) -> None:
    root = repo_with(tmp_path, {"data/hop": "../ignored_hop", "ignored_hop": str(host_secret)})
    (root / ".gitignore").write_text("ignored_hop\n")
    with pytest.raises(BadRepository, match=re.escape("data/hop -> ../ignored_hop")):
        plan_copy(root, ["data/hop", "pkg/__init__.py"])


def test_a_path_under_a_symlinked_folder_outside_is_refused(
    tmp_path: Path, host_secret: Path
) -> None:
    root = repo_with(tmp_path, {})
    os.symlink(host_secret.parent, root / "linked")
    with pytest.raises(BadRepository, match="linked -> "):
        plan_copy(root, ["linked/secret.txt"])  # a crafted index can list such a path


def test_the_local_sandbox_refuses_before_reading_anything(
    tmp_path: Path, host_secret: Path
) -> None:
    root = repo_with(tmp_path, {"requirements.txt": str(host_secret)})
    with pytest.raises(BadRepository, match=re.escape("requirements.txt -> ")):
        LocalSandbox(tmp_path / "cache", SMALL_LIMITS).prepare(root)
    assert not (tmp_path / "cache").exists()  # no venv was built from the host's file


def test_the_docker_sandbox_refuses_before_reading_anything(
    tmp_path: Path, host_secret: Path
) -> None:
    root = repo_with(tmp_path, {"pkg/data.txt": str(host_secret)})
    with pytest.raises(BadRepository, match=re.escape("pkg/data.txt -> ")):
        DockerSandbox(tmp_path / "cache", SMALL_LIMITS).prepare(root)


def test_an_in_repo_symlink_is_kept_as_a_symlink(tmp_path: Path) -> None:
    root = repo_with(tmp_path, {"data/alias.txt": "real.txt"})
    plan = plan_copy(root, files_of(root))
    assert Entry("data/alias.txt", link="real.txt") in plan.entries
    copy_tree(plan, tmp_path / "copy")
    assert os.readlink(tmp_path / "copy" / "data/alias.txt") == "real.txt"


def test_an_in_repo_symlink_is_a_symlink_inside_the_local_sandbox(tmp_path: Path) -> None:
    root = repo_with(tmp_path, {"data/alias.txt": "real.txt"})
    with (
        LocalSandbox(tmp_path / "cache", SMALL_LIMITS).prepare(root) as session,
        session.workspace() as ws,
    ):
        out = ws.run(["sh", "-c", "readlink data/alias.txt; cat data/alias.txt"]).stdout
    assert out == "real.txt\ninside the repo\n"


def test_the_docker_archive_keeps_symlinks_as_symlinks(tmp_path: Path) -> None:
    import io
    import tarfile

    root = repo_with(tmp_path, {"data/alias.txt": "real.txt"})
    archive = tar_tree(plan_copy(root, files_of(root)), "workspace", 1000)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        member = tar.getmember("workspace/data/alias.txt")
    assert member.issym() and member.linkname == "real.txt" and member.uid == 1000


def test_fifos_and_sockets_are_left_out(tmp_path: Path) -> None:
    root = repo_with(tmp_path, {})
    os.mkfifo(root / "pipe")
    assert [e.name for e in plan_copy(root, ["pipe", "pkg/__init__.py"]).entries] == [
        "pkg/__init__.py"
    ]


def test_a_file_swapped_for_a_symlink_after_the_check_is_not_followed(
    tmp_path: Path, host_secret: Path
) -> None:
    root = repo_with(tmp_path, {})
    plan = plan_copy(root, ["data/real.txt"])
    (root / "data/real.txt").unlink()
    os.symlink(host_secret, root / "data/real.txt")
    with pytest.raises(OSError), open_beneath(root, plan.entries[0].name):
        pass


def test_a_folder_swapped_for_a_symlink_after_the_check_is_not_followed(
    tmp_path: Path, host_secret: Path
) -> None:
    root = repo_with(tmp_path, {})
    plan = plan_copy(root, ["data/real.txt"])
    (root / "data/real.txt").unlink()
    (root / "data").rmdir()
    os.symlink(host_secret.parent, root / "data")
    (host_secret.parent / "real.txt").write_text("host file")
    with pytest.raises(OSError), open_beneath(root, plan.entries[0].name):
        pass
