"""Acceptance: every function and method of real packages, replaced by its own source, changes
zero bytes. Functions a name cannot pick (defined twice in a scope, conditional definitions) are
counted apart: by name they must be rejected as ambiguous, by line they must round-trip too.

Packages (all of them, no sampling; about 4,300 functions): click, rich, docker, _pytest from
the venv, and the bundled example tasks/example/wordfreq.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from agent.rewrite import Trial, round_trip

EXAMPLE = Path(__file__).parents[1] / "tasks/example/wordfreq"
PACKAGES = ["click", "rich", "docker", "_pytest"]
AT_LEAST = {"click": 500, "rich": 800, "docker": 550, "_pytest": 1900, "wordfreq": 10}  # functions


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations, f"{name} is not installed"
    return Path(next(iter(spec.submodule_search_locations)))


def trials_of(root: Path, *, as_written: bool = True) -> list[Trial]:
    trials: list[Trial] = []
    for path in sorted(root.rglob("*.py")):
        found = round_trip(path.read_bytes(), str(path), as_written=as_written)
        trials += [replace(t, qualname=f"{path}:{t.qualname}") for t in found]
    return trials


def tally(trials: list[Trial]) -> Counter[str]:
    return Counter(f"{t.by}:{t.outcome}" for t in trials)


@pytest.fixture(scope="module", params=[*PACKAGES, "wordfreq"])
def trials(request: pytest.FixtureRequest) -> list[Trial]:
    root = EXAMPLE if request.param == "wordfreq" else package_dir(request.param)
    found = trials_of(root)
    print(f"\n{request.param}: {dict(tally(found))}")
    return found


def test_every_function_named_unambiguously_round_trips_with_zero_bytes_changed(
    trials: list[Trial],
) -> None:
    assert [t for t in trials if t.by == "name" and t.outcome not in ("zero", "ambiguous")] == []


def test_every_function_named_by_line_round_trips_with_zero_bytes_changed(
    trials: list[Trial],
) -> None:
    assert [t for t in trials if t.by == "line" and t.outcome != "zero"] == []


def test_ambiguous_names_are_rejected_saying_where_each_definition_is(
    trials: list[Trial],
) -> None:
    ambiguous = [t for t in trials if t.outcome == "ambiguous"]
    assert all("is ambiguous" in t.reason and " and line " in t.reason for t in ambiguous)


def test_all_of_the_package_is_covered(request: pytest.FixtureRequest, trials: list[Trial]) -> None:
    package = request.node.callspec.params["trials"]
    assert len({(t.qualname, t.line) for t in trials}) >= AT_LEAST[package]


@pytest.mark.parametrize("root", [EXAMPLE, package_dir("click")], ids=["wordfreq", "click"])
def test_libcst_rendered_candidates_round_trip_too(root: Path) -> None:
    """What Rewrite.source() produces: the def rendered alone at column 0."""
    bad = [t for t in trials_of(root, as_written=False) if t.outcome not in ("zero", "ambiguous")]
    assert bad == []
