"""The `ratchet` command as a user runs it: a real subprocess, real repos, real sandboxes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agent.output import render
from agent.sandbox_commands import Cleaned
from tests.conftest import docker_or_skip, write_tree

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "tasks" / "example"


def ratchet(
    *args: str,
    env: dict[str, str] | None = None,
    cache: Path | None = None,
    timeout: float = 600,
    cwd: Path = ROOT,
    prefix: tuple[str, ...] = (),
) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, **(env or {})}
    if cache is not None:
        environ["RATCHET_CACHE_DIR"] = str(cache)
    return subprocess.run(
        [*prefix, sys.executable, "-m", "agent", *args],
        capture_output=True,
        text=True,
        env=environ,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
    )


def verify_json(
    repo: Path, function: str, candidate: str, box: str, cache: Path, *, timeout: float = 600
) -> tuple[dict[str, Any], subprocess.CompletedProcess[str]]:
    """`ratchet verify REPO --function F --candidate C --format json` in `box`: the verdict and
    the run (its stderr holds the progress and notes). The candidate's text is written beside
    the repo, outside it."""
    path = repo.parent / f"{repo.name}-candidate.py"
    path.write_text(candidate)
    run = ratchet(
        "verify", str(repo), "--function", function, "--candidate", str(path),
        "--sandbox", box, "--format", "json", cache=cache, timeout=timeout,
    )  # fmt: skip
    return json.loads(run.stdout), run


def sandboxes() -> list[object]:
    return ["local", pytest.param("docker", marks=pytest.mark.docker)]


def test_help_teaches_the_first_commands() -> None:
    out = ratchet("--help").stdout
    assert "ratchet doctor" in out and "ratchet sandbox run tasks/example" in out


@pytest.mark.parametrize("name", sandboxes())
def test_the_example_passes_in_each_sandbox(name: str, cache_dir: Path) -> None:
    if name == "docker":
        docker_or_skip()
    done = ratchet("sandbox", "run", str(EXAMPLE), "--sandbox", name, cache=cache_dir)
    assert done.returncode == 0 and " passed" in done.stdout, done.stderr


def test_failing_tests_exit_1(tmp_path: Path, cache_dir: Path) -> None:
    write_tree(tmp_path, {"test_no.py": "def test_no():\n    assert 1 == 2\n"})
    done = ratchet("sandbox", "run", str(tmp_path), "--sandbox", "local", cache=cache_dir)
    assert (done.returncode, "1 failed" in done.stdout) == (1, True)


def test_json_output_is_parseable(tiny_repo: Path, cache_dir: Path) -> None:
    done = ratchet(
        "sandbox",
        "run",
        str(tiny_repo),
        "--sandbox",
        "local",
        "--format",
        "json",
        "--",
        "python",
        "-c",
        "print('hi')",
        cache=cache_dir,
    )
    report = json.loads(done.stdout)
    assert (report["version"], report["result"]["stdout"]) == (1, "hi\n")


def one_sentence_error(done: subprocess.CompletedProcess[str]) -> str:
    """The error line, after checking the exit code is 2 and the error is one line."""
    errors = [line for line in done.stderr.splitlines() if line.startswith("ratchet: error:")]
    assert done.returncode == 2 and len(errors) == 1, done.stderr
    return errors[0]


def test_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    line = one_sentence_error(
        ratchet("sandbox", "run", str(tmp_path / "nope"), "--sandbox", "local")
    )
    assert "does not exist" in line


def test_a_file_is_not_a_repository(tmp_path: Path) -> None:
    (tmp_path / "f.py").write_text("x = 1\n")
    line = one_sentence_error(
        ratchet("sandbox", "run", str(tmp_path / "f.py"), "--sandbox", "local")
    )
    assert "is not a directory" in line


def test_a_repo_without_tests_is_refused(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pkg/__init__.py": "x = 1\n"})
    line = one_sentence_error(ratchet("sandbox", "run", str(tmp_path), "--sandbox", "local"))
    assert "no tests found" in line


@pytest.mark.parametrize("name", sandboxes())
def test_a_failed_dependency_install_keeps_its_log(name: str, tmp_path: Path) -> None:
    if name == "docker":
        docker_or_skip()
    repo = write_tree(
        tmp_path / "repo",
        {
            "requirements.txt": "ratchet-surely-not-a-real-package-0xdead==0.0.1\n",
            "test_a.py": "def test_a():\n    pass\n",
        },
    )
    line = one_sentence_error(
        ratchet("sandbox", "run", str(repo), "--sandbox", name, cache=tmp_path / "cache")
    )
    log_path = Path(line.split("read the log at ")[1].split(",")[0])
    assert "ratchet-surely-not-a-real-package-0xdead" in log_path.read_text()


def test_docker_asked_for_but_unreachable() -> None:
    done = ratchet(
        "sandbox",
        "run",
        str(EXAMPLE),
        "--sandbox",
        "docker",
        env={"DOCKER_HOST": "unix:///tmp/ratchet-no-such.sock"},
    )
    assert (
        "no Docker engine answered at unix:///tmp/ratchet-no-such.sock; start one, or use "
        "--sandbox local." in one_sentence_error(done)
    )


def test_invalid_configuration_names_the_setting() -> None:
    done = ratchet("sandbox", "run", str(EXAMPLE), env={"RATCHET_MEMORY_MB": "lots"})
    line = one_sentence_error(done)
    assert "'memory_mb'" in line and "RATCHET_MEMORY_MB" in line


def test_an_unknown_sandbox_is_a_usage_error() -> None:
    done = ratchet("sandbox", "run", str(EXAMPLE), "--sandbox", "vm")
    assert done.returncode == 2 and "'vm' is not one of" in done.stderr


def test_doctor_reports_in_json() -> None:
    report = json.loads(ratchet("doctor", "--format", "json").stdout)
    names = {check["name"] for check in report["checks"]}
    assert {"docker-engine", "valgrind", "py-spy", "llm", "bubblewrap"} <= names


def test_doctor_falls_back_to_local_and_says_why() -> None:
    done = ratchet("doctor", "--format", "json", env={"DOCKER_HOST": "unix:///tmp/none.sock"})
    chosen = json.loads(done.stdout)["sandbox"]
    assert chosen["name"] == "local" and "no Docker engine answered" in chosen["why"]


def test_doctor_never_prints_the_api_key() -> None:
    done = ratchet("doctor", env={"OPENAI_API_KEY": "sk-do-not-print-me"})
    assert "sk-do-not-print-me" not in done.stdout + done.stderr and "llm" in done.stdout


def test_doctor_with_an_unreachable_docker_requested_exits_2() -> None:
    done = ratchet("doctor", "--sandbox", "docker", env={"DOCKER_HOST": "unix:///tmp/none.sock"})
    assert done.returncode == 2 and "docker-engine" in done.stdout


def test_render_gives_json_from_the_result_itself() -> None:
    assert json.loads(render(Cleaned(2, 1), "json")) == {"version": 1, "containers": 2, "images": 1}


def test_render_gives_other_formats_from_their_renderer() -> None:
    assert (
        render(Cleaned(2, 1), "text", text=Cleaned.describe) == "removed 2 containers and 1 images"
    )


def test_render_refuses_a_format_the_command_does_not_offer() -> None:
    with pytest.raises(ValueError, match="no markdown rendering"):
        render(Cleaned(0, 0), "markdown", text=Cleaned.describe)


def test_profile_past_its_timeout_is_one_sentence_naming_the_flag(
    tmp_path: Path, cache_dir: Path
) -> None:
    repo = tmp_path / "slow"
    (repo / "tests").mkdir(parents=True)
    (repo / "slow.py").write_text("import time\n\ndef wait():\n    time.sleep(30)\n")
    (repo / "tests" / "test_slow.py").write_text(
        "from slow import wait\n\ndef test_wait():\n    wait()\n"
    )
    run = ratchet("profile", str(repo), "--sandbox", "local", "--timeout", "3", cache=cache_dir)
    assert (run.returncode, "Traceback" in run.stderr) == (2, False), run.stderr
    assert "--timeout" in run.stderr.strip().splitlines()[-1]
