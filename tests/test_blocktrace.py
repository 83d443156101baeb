"""The block tracer against the interpreter's own line events (tests/trace_check.py), here and
under every other Python this machine has: the probe runs on 3.9 and later, and 3.12 and later
trace through sys.monitoring instead of sys.settrace."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests import trace_check

CHECK = Path(trace_check.__file__)
OTHERS = sorted(
    str(path)
    for path in Path.home().glob(".pyenv/versions/3.*/bin/python3")
    if path.parent.parent.name.split(".")[1].isdigit()
    and int(path.parent.parent.name.split(".")[1]) >= 9
)


def test_the_tracer_matches_line_events_here() -> None:
    trace_check.check_all()


@pytest.mark.parametrize("python", OTHERS or ["none"])
def test_the_tracer_matches_line_events_under_other_pythons(python: str) -> None:
    if python == "none":
        pytest.skip("no other Python 3.9+ under ~/.pyenv/versions")
    done = subprocess.run([python, str(CHECK)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]
