"""Settings through the real `ratchet` command: bad configuration and bad usage end in one
sentence and exit 2 before any sandbox starts, and the layers override each other in order."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent.config import KEYS
from tests.conftest import write_tree
from tests.test_cli import one_sentence_error, ratchet

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

TINY = {
    "calc.py": "def total(xs):\n    return sum(xs)\n",
    "test_calc.py": "from calc import total\n\ndef test_total():\n    assert total([1, 2]) == 3\n",
}


def repo(tmp_path: Path, pyproject: str = "") -> Path:
    files = {**TINY, "pyproject.toml": pyproject} if pyproject else TINY
    return write_tree(tmp_path / "repo", files)


def refused(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """The one error line of a run that must stop before a sandbox starts: the local sandbox
    would have written its cache, and said which sandbox it uses."""
    cache = tmp_path / "cache"
    done = ratchet(*args, "--sandbox", "local", env=env, cache=cache, timeout=60)
    assert not cache.exists() and "sandbox:" not in done.stderr, done.stderr
    return one_sentence_error(done)


def settings(*args: str, env: dict[str, str] | None = None) -> dict[str, dict[str, object]]:
    done = ratchet("config", *args, "--format", "json", env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["settings"]


def test_an_unknown_pyproject_key_is_named_with_the_known_ones(tmp_path: Path) -> None:
    path = repo(tmp_path, "[tool.ratchet]\nmemroy_mb = 512\n")
    line = refused(tmp_path, "optimize", str(path))
    assert "'memroy_mb'" in line and f"the known keys are {', '.join(KEYS)}." in line


@pytest.mark.parametrize("command", ["profile", "sandbox run", "config"])
def test_every_command_refuses_an_unknown_key(tmp_path: Path, command: str) -> None:
    path = repo(tmp_path, "[tool.ratchet]\nmin_gian = 0.1\n")
    assert "did you mean 'min_gain'?" in refused(tmp_path, *command.split(), str(path))


def test_a_ratchet_entry_that_is_not_a_table_is_one_sentence(tmp_path: Path) -> None:
    path = repo(tmp_path, "[tool]\nratchet = 5\n")
    assert "is 5, not a table" in refused(tmp_path, "optimize", str(path))


def test_line_without_file_is_refused(tmp_path: Path) -> None:
    assert "--line needs --file" in refused(
        tmp_path, "optimize", str(repo(tmp_path)), "--line", "3"
    )


def test_two_selections_are_refused(tmp_path: Path) -> None:
    line = refused(tmp_path, "optimize", str(repo(tmp_path)), "--function", "calc.total", "--all")
    assert "--function and --all" in line


def test_a_report_into_a_missing_folder_is_refused(tmp_path: Path) -> None:
    report = str(tmp_path / "no" / "report.json")
    line = refused(tmp_path, "optimize", str(repo(tmp_path)), "--json-report", report)
    assert "does not exist" in line


@pytest.mark.parametrize(
    ("command", "flag", "value"),
    [
        ("optimize", "--min-gain", "nan"),
        ("verify", "--min-gain", "nan"),
        ("verify", "--float-tolerance", "inf"),
        ("verify", "--generate-examples", "10001"),
        ("optimize", "--generate-seed", "-1"),
        ("optimize", "--max-functions", "-1"),
        ("optimize", "--runs", "1"),
        ("profile", "--top", "0"),
        ("sandbox run", "--timeout", "-5"),
    ],
)
def test_an_invalid_knob_is_refused(tmp_path: Path, command: str, flag: str, value: str) -> None:
    candidate = write_tree(tmp_path, {"new.py": "def total(xs):\n    return sum(xs)\n"})
    extra = ["--function", "calc.total", "--candidate", str(candidate / "new.py")]
    args = [
        *command.split(),
        str(repo(tmp_path)),
        *(extra if command == "verify" else []),
        flag,
        value,
    ]
    assert f"from {flag} on the command line is invalid" in refused(tmp_path, *args)


def test_an_invalid_environment_knob_names_the_variable(tmp_path: Path) -> None:
    line = refused(tmp_path, "optimize", str(repo(tmp_path)), env={"RATCHET_JOBS": "many"})
    assert "'jobs' from RATCHET_JOBS in the environment" in line


def test_a_gate_knob_comes_from_pyproject(tmp_path: Path) -> None:
    path = repo(tmp_path, "[tool.ratchet]\nmin-gain = 0.02\n")
    assert settings(str(path))["min_gain"]["value"] == 0.02


def test_the_environment_overrides_pyproject(tmp_path: Path) -> None:
    path = repo(tmp_path, "[tool.ratchet]\nmin-gain = 0.02\n")
    found = settings(str(path), env={"RATCHET_MIN_GAIN": "0.03"})["min_gain"]
    assert found == {"value": 0.03, "from": "RATCHET_MIN_GAIN in the environment"}


def test_a_flag_overrides_the_environment(tmp_path: Path) -> None:
    path = repo(tmp_path, "[tool.ratchet]\nmin-gain = 0.02\n")
    found = settings(str(path), "--min-gain", "0.04", env={"RATCHET_MIN_GAIN": "0.03"})
    assert found["min_gain"] == {"value": 0.04, "from": "--min-gain on the command line"}


def test_an_optimize_knob_follows_the_same_order(tmp_path: Path) -> None:
    path = repo(tmp_path, "[tool.ratchet]\nmax_functions = 4\njobs = 2\nruns = 5\n")
    found = settings(str(path), "--jobs", "3", env={"RATCHET_RUNS": "6"})
    values = [found[key]["value"] for key in ("max_functions", "runs", "jobs", "top")]
    assert values == [4, 6, 3, 10]


def test_the_config_shows_the_generated_inputs_and_state_keys(tmp_path: Path) -> None:
    found = settings(str(repo(tmp_path)))
    values = [found[key]["value"] for key in ("generate_examples", "generate_seed", "allow_state")]
    assert values == [100, 0, False]


def test_allow_state_follows_the_same_order(tmp_path: Path) -> None:
    path = repo(tmp_path, "[tool.ratchet]\nallow-state = true\n")
    found = settings(str(path), "--no-allow-state", env={"RATCHET_ALLOW_STATE": "yes"})
    assert found["allow_state"] == {"value": False, "from": "--no-allow-state on the command line"}


def test_allow_state_from_the_environment_overrides_pyproject(tmp_path: Path) -> None:
    path = repo(tmp_path, "[tool.ratchet]\nallow_state = false\n")
    found = settings(str(path), env={"RATCHET_ALLOW_STATE": "true"})["allow_state"]
    assert found == {"value": True, "from": "RATCHET_ALLOW_STATE in the environment"}


def test_the_allow_state_flag_turns_it_on(tmp_path: Path) -> None:
    assert settings(str(repo(tmp_path)), "--allow-state")["allow_state"]["value"] is True


def test_the_allow_state_flag_takes_no_value(tmp_path: Path) -> None:
    line = refused(tmp_path, "config", str(repo(tmp_path)), "--allow-state=yes")
    assert "'--allow-state' does not take a value" in line


def test_the_verify_help_shows_allow_state_as_a_switch() -> None:
    help_text = " ".join(ratchet("verify", "--help", timeout=60).stdout.split())
    assert "--allow-state / --no-allow-state Accept a candidate" in help_text


def test_the_text_settings_are_toml_that_reads_back(tmp_path: Path) -> None:
    path = repo(tmp_path, "[tool.ratchet]\nruns = 5\n")
    done = ratchet("config", str(path), env={"RATCHET_JOBS": "2"}, timeout=60)
    assert tomllib.loads(done.stdout)["runs"] == 5


def test_a_misspelled_variable_is_pointed_out(tmp_path: Path) -> None:
    done = ratchet("config", str(repo(tmp_path)), env={"RATCHET_MEMROY_MB": "512"}, timeout=60)
    assert "did you mean RATCHET_MEMORY_MB?" in done.stderr and done.returncode == 0


@pytest.mark.parametrize("command", ["optimize", "verify", "profile"])
def test_the_help_names_each_flags_config_key(command: str) -> None:
    help_text = " ".join(ratchet(command, "--help", timeout=60).stdout.split())
    assert "config: counter" in help_text and "config: sandbox" in help_text


def test_the_top_help_teaches_the_layers() -> None:
    help_text = " ".join(ratchet("--help", timeout=60).stdout.split())
    assert "[tool.ratchet]" in help_text and "RATCHET_<KEY>" in help_text


def test_the_installed_command_lists_every_key() -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("ratchet")), "config", "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert set(json.loads(done.stdout)["settings"]) == set(KEYS)
