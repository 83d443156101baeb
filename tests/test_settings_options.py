"""The option objects are built from Settings in one place (agent/options.py): the defaults agree,
and a knob set in any layer reaches the option that uses it."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from agent.config import Counter, Settings, resolve
from agent.gate import GateOptions
from agent.optimize import OptimizeOptions
from agent.options import (
    Selection,
    gate_options,
    optimize_options,
    profile_options,
    verify_options,
)
from agent.profiling import ProfileOptions
from agent.verify import VerifyOptions
from profilers.counter import COUNTERS


def defaults() -> Settings:
    return resolve(None, {}, {})


def test_the_default_gate_options_are_the_gates_own() -> None:
    assert gate_options(defaults()) == GateOptions()


def test_the_default_optimize_options_are_optimizes_own() -> None:
    assert optimize_options(defaults(), Selection()) == OptimizeOptions()


def test_the_default_profile_options_are_profiles_own() -> None:
    assert profile_options(defaults()) == ProfileOptions()


def test_the_default_verify_options_are_verifys_own() -> None:
    assert verify_options(defaults()) == VerifyOptions()


def test_the_counter_choices_are_the_meters() -> None:
    assert get_args(Counter) == ("auto", *COUNTERS)


def test_a_pyproject_knob_reaches_the_gate_of_optimize(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ratchet]\nfloat-tolerance = 1e-9\n")
    options = optimize_options(resolve(tmp_path, {}, {}), Selection())
    assert options.gate.float_tolerance == 1e-9


def test_an_environment_knob_reaches_verify() -> None:
    options = verify_options(resolve(None, {"RATCHET_RUNS": "7", "RATCHET_MIN_GAIN": "0.1"}, {}))
    assert (options.runs, options.gate.min_gain) == (7, 0.1)


def test_flag_knobs_reach_optimize() -> None:
    settings = resolve(None, {}, {"jobs": 2, "max_functions": 9, "counter": "bytecode"})
    options = optimize_options(settings, Selection())
    assert (options.jobs, options.max_functions, options.counter) == (2, 9, "bytecode")


def test_the_selection_goes_into_optimize_unchanged() -> None:
    options = optimize_options(defaults(), Selection(file="pkg/mod.py", line=12))
    assert (options.file, options.line, options.functions) == ("pkg/mod.py", 12, ())


def test_profile_knobs_reach_profile() -> None:
    settings = resolve(None, {"RATCHET_TOP": "3", "RATCHET_RATE": "250"}, {"measure": 0})
    options = profile_options(settings, ("pkg.f",), "python bench.py")
    assert (options.top, options.rate, options.measure, options.functions, options.command) == (
        3,
        250,
        0,
        ("pkg.f",),
        "python bench.py",
    )


def test_the_generated_inputs_knobs_reach_the_gate(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ratchet]\ngenerate-examples = 0\n")
    gate = gate_options(resolve(tmp_path, {"RATCHET_GENERATE_SEED": "7"}, {}))
    assert (gate.generate_examples, gate.generate_seed) == (0, 7)


def test_allow_state_from_pyproject_reaches_the_gate(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ratchet]\nallow_state = true\n")
    assert gate_options(resolve(tmp_path, {}, {})).allow_state


def test_allow_state_from_the_environment_reaches_verify() -> None:
    assert verify_options(resolve(None, {"RATCHET_ALLOW_STATE": "yes"}, {})).gate.allow_state


def test_a_flag_turns_off_the_allow_state_of_the_environment() -> None:
    settings = resolve(None, {"RATCHET_ALLOW_STATE": "1"}, {"allow_state": False})
    assert not optimize_options(settings, Selection()).gate.allow_state
