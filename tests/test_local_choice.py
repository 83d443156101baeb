"""`auto` hands LLM-written code to the local sandbox only where its live check held, and
`ratchet doctor` shows each property of each sandbox with the check that decided it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import sandbox
from sandbox import isolation, local

ROOT = Path(__file__).resolve().parents[1]


def findings(failing: str | None) -> tuple[isolation.Finding, ...]:
    return tuple(
        isolation.Finding(p, p != failing, f"check of {p}", "seen") for p in isolation.PROPERTIES
    )


@pytest.fixture
def no_docker(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("DOCKER_HOST", "unix:///tmp/ratchet-no-such-engine.sock")
    return monkeypatch


def test_auto_refuses_a_local_sandbox_that_lacks_isolation(no_docker: pytest.MonkeyPatch) -> None:
    no_docker.setattr(local, "probe_findings", lambda python: findings("host-sockets"))
    with pytest.raises(sandbox.SandboxUnavailable, match="host-sockets failed its live check"):
        sandbox.choose("auto", None)


def test_auto_takes_the_local_sandbox_when_every_property_held(
    no_docker: pytest.MonkeyPatch,
) -> None:
    no_docker.setattr(local, "probe_findings", lambda python: findings(None))
    name, why = sandbox.choose("auto", None)
    assert name == "local" and "held in a live check" in why


def test_an_explicit_local_is_taken_as_asked(no_docker: pytest.MonkeyPatch) -> None:
    no_docker.setattr(local, "probe_findings", lambda python: findings("network"))
    assert sandbox.choose("local", None)[0] == "local"


def test_doctor_lists_every_property_of_both_sandboxes_with_its_live_check() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "agent", "doctor", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "RATCHET_CACHE_DIR": "/tmp/ratchet-test-doctor-cache"},
        timeout=300,
    )
    report = json.loads(done.stdout)["isolation"]
    local_props = {f["prop"]: f for f in report["local"]}
    assert set(local_props) == set(isolation.PROPERTIES) == {f["prop"] for f in report["docker"]}
    assert all(f["held"] and f["check"] and f["seen"] for f in local_props.values()), local_props
