"""Bad input through the real `ratchet` command: one sentence, exit 2, no traceback, and no
sandbox started (no cache written, no "using the ... sandbox" line).

The classes: a candidate file that is no candidate (missing, a folder, unreadable, too large,
binary, not UTF-8, empty, blank, only comments, no def of the function); a --function the repo
does not have; a PATH that is no repository (missing, a file, the filesystem's root, the home
folder, unreadable, too large in files or bytes, a symlink leading out, no tests), given or
defaulted to the working folder; invalid settings and unparsable flags. A candidate that is one
but fails the cheap checks (does not parse, changes the signature, is the function unchanged,
fails the screen) is a verdict, rejected with exit 1, still before any sandbox starts.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write_tree
from tests.test_cli import ROOT, one_sentence_error, ratchet

TINY = {
    "calc.py": "def total(xs):\n    return sum(xs)\n",
    "test_calc.py": "from calc import total\n\ndef test_total():\n    assert total([1, 2]) == 3\n",
}
FASTER = "def total(xs):\n    n = 0\n    for x in xs:\n        n += x\n    return n\n"
# Root reads every file: for the permission tests it runs without the capabilities that let it.
UNPRIVILEGED = (
    ("setpriv", "--bounding-set=-dac_override,-dac_read_search") if os.geteuid() == 0 else ()
)
PERMISSIONS = pytest.mark.skipif(
    bool(UNPRIVILEGED) and shutil.which("setpriv") is None,
    reason="as root, the permission tests need setpriv to drop the capability to read anything",
)


def run(
    tmp_path: Path,
    *args: str,
    env: dict[str, str] | None = None,
    cwd: Path = ROOT,
    prefix: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    """A run that must stop before any sandbox starts."""
    cache = tmp_path / "cache"
    done = ratchet(
        *args, "--sandbox", "local", env=env, cache=cache, timeout=60, cwd=cwd, prefix=prefix
    )
    assert not cache.exists() and "sandbox:" not in done.stderr, done.stderr
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    return done


def refused(tmp_path: Path, *args: str, **options: Any) -> str:
    """The one line on stderr of a run refused with exit 2 before any sandbox starts."""
    done = run(tmp_path, *args, **options)
    line = one_sentence_error(done)
    assert done.stderr.splitlines() == [line], done.stderr
    return line


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "repo", TINY)


def candidate(tmp_path: Path, data: bytes | str) -> str:
    path = tmp_path / "new.py"
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return str(path)


def verify(
    tmp_path: Path, repo: Path, candidate_file: str, function: str = "calc.total", **options: Any
) -> str:
    args = ("verify", str(repo), "--function", function, "--candidate", candidate_file)
    return refused(tmp_path, *args, **options)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"\xff\xfedef total(xs):\n", "is not UTF-8 text (byte 0xff on line 1); save it as UTF-8"),
        (b"def total(xs):\x00\n", "holds a NUL byte (at offset 14), so it is a binary file"),
        (b"", "is empty"),
        (b" \n\t\n\n", "holds only whitespace"),
        (b"# faster\n\n# soon\n", "holds only comments"),
        (b"x = 1\n" * 200_000, "is larger than 1 MiB"),
        (b"def other(xs):\n    return 0\n", "defines no function `total` (it defines `other`)"),
    ],
    ids=["not-utf8", "nul", "empty", "blank", "comments", "huge", "other-name"],
)
def test_a_file_that_is_no_candidate_is_refused(
    tmp_path: Path, repo: Path, data: bytes, said: str
) -> None:
    assert said in verify(tmp_path, repo, candidate(tmp_path, data))


def test_a_missing_candidate_is_refused(tmp_path: Path, repo: Path) -> None:
    assert "does not exist" in verify(tmp_path, repo, str(tmp_path / "nope.py"))


def test_a_candidate_that_is_a_folder_is_refused(tmp_path: Path, repo: Path) -> None:
    assert "is a folder" in verify(tmp_path, repo, str(tmp_path))


@PERMISSIONS
def test_an_unreadable_candidate_is_refused(tmp_path: Path, repo: Path) -> None:
    path = candidate(tmp_path, FASTER)
    os.chmod(path, 0)
    assert "cannot be read (permission denied)" in verify(tmp_path, repo, path, prefix=UNPRIVILEGED)


def test_an_empty_stdin_is_refused(tmp_path: Path, repo: Path) -> None:
    assert "the candidate on stdin is empty" in verify(tmp_path, repo, "-")


@pytest.mark.parametrize(
    ("function", "said"),
    [
        ("calc.nothing", "calc.nothing was not found: calc.py defines no function or class"),
        ("total", "'total' is not a dotted name"),
        ("nomod.total", "no module of"),
    ],
)
def test_a_function_the_repo_does_not_have_is_refused(
    tmp_path: Path, repo: Path, function: str, said: str
) -> None:
    assert said in verify(tmp_path, repo, candidate(tmp_path, FASTER), function)


def test_an_error_still_gives_a_json_verdict(tmp_path: Path, repo: Path) -> None:
    args = ("--function", "calc.total", "--candidate", candidate(tmp_path, b""))
    done = run(tmp_path, "verify", str(repo), *args, "--format", "json")
    verdict = json.loads(done.stdout)
    assert (done.returncode, verdict["verdict"], verdict["step"]) == (2, "error", "input")


@pytest.mark.parametrize(
    ("path", "said"),
    [
        ("missing", "does not exist"),
        ("repo/calc.py", "is not a directory"),
        ("/", "/ is the root of the filesystem, not a repository"),
    ],
)
def test_a_path_that_is_no_folder_is_refused(
    tmp_path: Path, repo: Path, path: str, said: str
) -> None:
    where = path if path.startswith("/") else str(tmp_path / path)
    assert said in verify(tmp_path, Path(where), candidate(tmp_path, FASTER))


def test_the_home_folder_is_refused(tmp_path: Path) -> None:
    home = write_tree(tmp_path / "home", TINY)
    line = refused(tmp_path, "verify", str(home), "--function", "calc.total",
                   "--candidate", candidate(tmp_path, FASTER), env={"HOME": str(home)})  # fmt: skip
    assert "is your home folder, not a project" in line


def test_a_repo_without_tests_is_refused(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {"calc.py": TINY["calc.py"]})
    assert "no tests found" in verify(tmp_path, repo, candidate(tmp_path, FASTER))


def test_a_symlink_out_of_the_repo_is_refused(tmp_path: Path, repo: Path) -> None:
    (repo / "secret").symlink_to("/etc/hostname")
    assert "symlinks that point outside it (secret -> /etc/hostname)" in verify(
        tmp_path, repo, candidate(tmp_path, FASTER)
    )


@PERMISSIONS
def test_an_unreadable_repo_is_refused(tmp_path: Path, repo: Path) -> None:
    os.chmod(repo, 0)
    try:
        line = verify(tmp_path, repo, candidate(tmp_path, FASTER), prefix=UNPRIVILEGED)
        assert "repo/pyproject.toml cannot be read (permission denied)" in line
    finally:
        os.chmod(repo, 0o755)


@PERMISSIONS
def test_a_repo_with_an_unreadable_file_is_refused(tmp_path: Path, repo: Path) -> None:
    os.chmod(repo / "calc.py", 0)
    line = verify(tmp_path, repo, candidate(tmp_path, FASTER), prefix=UNPRIVILEGED)
    assert "has files Ratchet cannot read (calc.py: permission denied)" in line


@PERMISSIONS
def test_an_unreadable_pyproject_is_refused(tmp_path: Path, repo: Path) -> None:
    (repo / "pyproject.toml").write_text("[tool.ratchet]\nruns = 5\n")
    os.chmod(repo / "pyproject.toml", 0)
    line = verify(tmp_path, repo, candidate(tmp_path, FASTER), prefix=UNPRIVILEGED)
    assert "pyproject.toml cannot be read (permission denied)" in line


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with tests and more files than a sandbox copies."""
    root = write_tree(tmp_path_factory.mktemp("huge"), TINY)
    for group in range(21):
        (root / "data" / str(group)).mkdir(parents=True)
        for n in range(1000):
            (root / "data" / str(group) / f"{n}.txt").touch()
    return root


def test_a_folder_with_too_many_files_is_refused(tmp_path: Path, huge: Path) -> None:
    line = verify(tmp_path, huge, candidate(tmp_path, FASTER))
    assert "is too large to copy into a sandbox (more than 20,000 files" in line


def test_a_huge_working_folder_without_path_is_refused(tmp_path: Path, huge: Path) -> None:
    for command in (["verify", "--function", "calc.total", "--candidate", str(huge / "calc.py")],
                    ["optimize"], ["profile"]):  # fmt: skip
        assert "is too large" in refused(tmp_path, *command, cwd=huge)


def test_a_git_repo_with_too_many_files_is_refused(tmp_path: Path, huge: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=huge, check=True)
    try:
        line = verify(tmp_path, huge, candidate(tmp_path, FASTER))
    finally:
        subprocess.run(["rm", "-rf", str(huge / ".git")], check=True)
    assert "more than 20,000 files not ignored by git" in line


def test_a_repo_with_too_many_bytes_is_refused(tmp_path: Path, repo: Path) -> None:
    with open(repo / "data.bin", "wb") as handle:
        handle.truncate(600 * 2**20)  # sparse: nothing is written
    line = verify(tmp_path, repo, candidate(tmp_path, FASTER))
    assert "more than 512 MiB; the largest is data.bin, 600 MiB" in line


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--min-gain", "nan"], "'min_gain' from --min-gain on the command line is invalid"),
        (["--float-tolerance", "inf"], "'float_tolerance' from --float-tolerance"),
        (["--generate-examples", "-1"], "'generate_examples' from --generate-examples"),
        (["--generate-seed", "x"], "'x' is not a valid integer; see `ratchet verify --help`."),
        (["--runs", "abc"], "'abc' is not a valid integer; see `ratchet verify --help`."),
        (["--bogus"], "No such option '--bogus'."),
    ],
)
def test_a_bad_flag_is_refused(tmp_path: Path, repo: Path, args: list[str], said: str) -> None:
    line = refused(tmp_path, "verify", str(repo), "--function", "calc.total",
                   "--candidate", candidate(tmp_path, FASTER), *args)  # fmt: skip
    assert said in line


def test_a_tool_ratchet_that_is_not_a_table_is_refused(tmp_path: Path, repo: Path) -> None:
    (repo / "pyproject.toml").write_text("[tool]\nratchet = 5\n")
    assert "is 5, not a table" in verify(tmp_path, repo, candidate(tmp_path, FASTER))


@pytest.mark.parametrize(
    ("text", "step", "said"),
    [
        (TINY["calc.py"], "apply", "is calc.total as it already is in calc.py"),
        ("def total(xs):\n    return  sum( xs )  # same\n", "apply", "as it already is"),
        ("def total(xs):\n    return sum(xs\n", "apply", "The candidate does not parse"),
        ("def total(ys):\n    return sum(ys)\n", "apply", "The signature of `total` changed"),
        ("import sys\ndef total(xs):\n    sys.exit(0)\n", "screen", "uses sys.exit"),
    ],
    ids=["identical", "reformatted", "syntax", "signature", "screen"],
)
def test_a_candidate_the_cheap_checks_reject_costs_no_sandbox(
    tmp_path: Path, repo: Path, text: str, step: str, said: str
) -> None:
    args = ("--function", "calc.total", "--candidate", candidate(tmp_path, text))
    done = run(tmp_path, "verify", str(repo), *args)
    head, reason = done.stdout.splitlines()[:2]
    assert (done.returncode, head) == (1, f"calc.total: REJECTED at step {step}"), done.stderr
    assert said in reason
