"""The GitHub Action calls the same CLI: every flag it passes must be one `ratchet` knows, and no
input can become shell code (GitHub's hardening guide: inputs reach scripts through env: only)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from agent.config import KEYS, env_name
from tests.test_cli import ROOT, ratchet


def action() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "action.yml").read_text())


def steps() -> list[dict[str, Any]]:
    return action()["runs"]["steps"]


def test_the_action_is_a_composite_that_installs_ratchet_from_its_own_path() -> None:
    assert action()["runs"]["using"] == "composite"
    assert any('pip" install -q "$GITHUB_ACTION_PATH"' in s.get("run", "") for s in steps())


def test_no_run_script_interpolates_an_expression() -> None:
    assert [s["name"] for s in steps() if "${{" in s.get("run", "")] == []


def test_every_flag_the_action_passes_is_an_optimize_option() -> None:
    script = "\n".join(s.get("run", "") for s in steps())
    flags = set(re.findall(r"(--[a-z][a-z-]+)", script.split("args=(optimize", 1)[1]))
    help_text = ratchet("optimize", "--help").stdout
    assert flags and {f for f in flags if f not in help_text} == set()


def test_every_setting_the_action_passes_is_a_ratchet_key() -> None:
    names = {name for s in steps() for name in s.get("env", {}) if name.startswith("RATCHET_")}
    assert names and names <= {env_name(key) for key in KEYS}


def test_every_input_reaches_the_scripts_through_env() -> None:
    given = {
        match
        for s in steps()
        for value in s.get("env", {}).values()
        for match in re.findall(r"inputs\.([a-z-]+)", value)
    }
    assert given == set(action()["inputs"])


def test_every_input_the_action_reads_is_declared() -> None:
    script = Path(ROOT / "action.yml").read_text()
    used = set(re.findall(r"inputs\.([a-z-]+)", script))
    assert used <= set(action()["inputs"])
