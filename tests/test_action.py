"""The GitHub Action calls the same CLI: every flag it passes must be one `ratchet` knows."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.test_cli import ROOT, ratchet


def action() -> dict:
    return yaml.safe_load((ROOT / "action.yml").read_text())


def test_the_action_is_a_composite_that_installs_ratchet_from_its_own_path() -> None:
    steps = action()["runs"]["steps"]
    assert action()["runs"]["using"] == "composite"
    assert any('pip" install -q "${{ github.action_path }}"' in s.get("run", "") for s in steps)


def test_every_flag_the_action_passes_is_an_optimize_option() -> None:
    script = "\n".join(s.get("run", "") for s in action()["runs"]["steps"])
    flags = set(re.findall(r"(--[a-z][a-z-]+)", script.split("args=(optimize", 1)[1]))
    help_text = ratchet("optimize", "--help").stdout
    assert flags and {f for f in flags if f not in help_text} == set()


def test_every_input_the_action_reads_is_declared() -> None:
    script = Path(ROOT / "action.yml").read_text()
    used = set(re.findall(r"inputs\.([a-z-]+)", script))
    assert used <= set(action()["inputs"])
