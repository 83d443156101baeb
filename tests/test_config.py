"""Settings resolve once: defaults < [tool.ratchet] < RATCHET_* < flags; errors name the source."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import (
    KEYS,
    LOCAL_MODEL,
    ConfigError,
    misspelled_variables,
    resolve,
    resolve_with_origins,
)
from agent.llm import client_for, limits, tier


def repo_with(tmp_path: Path, table: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(f"[tool.ratchet]\n{table}\n")
    return tmp_path


def test_defaults_apply_when_nothing_is_set() -> None:
    assert resolve(None, {}, {}).memory_mb == 2048


def test_pyproject_overrides_defaults(tmp_path: Path) -> None:
    assert resolve(repo_with(tmp_path, "memory_mb = 1024"), {}, {}).memory_mb == 1024


def test_pyproject_keys_may_use_hyphens(tmp_path: Path) -> None:
    assert resolve(repo_with(tmp_path, 'base-image = "py:3"'), {}, {}).base_image == "py:3"


def test_environment_overrides_pyproject(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, "memory_mb = 1024")
    assert resolve(repo, {"RATCHET_MEMORY_MB": "512"}, {}).memory_mb == 512


def test_flags_override_environment() -> None:
    assert resolve(None, {"RATCHET_MEMORY_MB": "512"}, {"memory_mb": 300}).memory_mb == 300


def test_flags_that_are_none_are_ignored() -> None:
    assert resolve(None, {"RATCHET_MEMORY_MB": "512"}, {"memory_mb": None}).memory_mb == 512


def test_api_key_becomes_a_secret_kept_out_of_repr() -> None:
    settings = resolve(None, {"OPENAI_API_KEY": "sk-very-secret"}, {})
    assert "sk-very-secret" not in repr(settings)


def test_api_key_is_still_readable_where_it_is_needed() -> None:
    settings = resolve(None, {"OPENAI_API_KEY": "sk-very-secret"}, {})
    assert settings.llm_api_key and settings.llm_api_key.get_secret_value() == "sk-very-secret"


def test_invalid_environment_value_names_the_setting_and_source() -> None:
    with pytest.raises(ConfigError, match="'memory_mb' from RATCHET_MEMORY_MB in the environment"):
        resolve(None, {"RATCHET_MEMORY_MB": "abc"}, {})


def test_invalid_pyproject_value_names_the_setting_and_source(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"'sandbox' from \[tool\.ratchet\] in .*pyproject\.toml"):
        resolve(repo_with(tmp_path, 'sandbox = "vm"'), {}, {})


def test_invalid_flag_names_the_setting_and_source() -> None:
    with pytest.raises(ConfigError, match="'pids' from --pids on the command line"):
        resolve(None, {}, {"pids": 1})


def test_invalid_pyproject_toml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        resolve(repo_with(tmp_path, "memory_mb = "), {}, {})


def test_limits_carry_the_settings() -> None:
    flags = {"memory_mb": 512, "timeout": 30.0, "pids": 64, "cpus": 1.5}
    limits = resolve(None, {}, flags).limits()
    assert (limits.memory_mb, limits.timeout, limits.pids, limits.cpus) == (512, 30.0, 64, 1.5)


def test_default_cache_dir_follows_the_given_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", "/host/cache")
    assert resolve(None, {"XDG_CACHE_HOME": "/given"}, {}).cache_dir == Path("/given/ratchet")


def test_budget_is_low_without_an_api_key() -> None:
    assert resolve(None, {}, {}).budget == "low"


def test_budget_is_mid_with_an_api_key() -> None:
    assert resolve(None, {"OPENAI_API_KEY": "sk-x"}, {}).budget == "mid"


def test_an_llm_budget_without_an_llm_says_what_to_set() -> None:
    with pytest.raises(
        ConfigError, match=r"'budget' from --budget on the command line .*set OPENAI"
    ):
        resolve(None, {}, {"budget": "high"})


def test_a_local_server_needs_no_key_for_an_llm_budget() -> None:
    environ = {"OPENAI_BASE_URL": "http://127.0.0.1:11434/v1"}
    assert resolve(None, environ, {"budget": "mid"}).budget == "mid"


def test_budget_from_the_environment_ignores_case() -> None:
    environ = {"OPENAI_API_KEY": "sk-x", "RATCHET_BUDGET": "High"}
    assert resolve(None, environ, {}).budget == "high"


def test_an_unknown_budget_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="'low', 'mid' or 'high'"):
        resolve(None, {"RATCHET_BUDGET": "max"}, {})


def test_llm_defaults_follow_the_kind_of_model() -> None:
    hosted = resolve(None, {"OPENAI_API_KEY": "sk-test"}, {})
    local = resolve(None, {"RATCHET_LLM": "local"}, {})
    assert (hosted.mid_model, hosted.high_model) == ("gpt-4o-mini", "gpt-4o")
    hosted_client, local_client = client_for(hosted), client_for(local, "http://127.0.0.1:9/v1")
    assert hosted_client is not None and local_client is not None
    assert (hosted_client.timeout, limits(hosted).max_seconds) == (60.0, 900.0)
    assert (local_client.timeout, limits(local).max_seconds) == (600.0, 3600.0)
    assert local_client.base_url == "http://127.0.0.1:9/v1"
    # --llm local alone buys the mid budget, and both LLM tiers ask the local model by its name
    assert local.budget == "mid"
    assert tier(local).model == "qwen2.5-coder-0.5b-instruct-q4_k_m"
    assert (tier(local).temperature, tier(local).profile.max_tokens) == (0.4, 1024)
    assert local.local_model_path() == local.cache_dir / LOCAL_MODEL
    assert tier(hosted).profile.max_tokens is None


def test_an_explicit_llm_timeout_wins_over_the_local_default() -> None:
    local = resolve(None, {"RATCHET_LLM": "local", "RATCHET_LLM_TIMEOUT": "30"}, {})
    client = client_for(local, "http://127.0.0.1:9/v1")
    assert client is not None and client.timeout == 30.0


def test_llm_limits_come_from_pyproject(tmp_path: Path) -> None:
    settings = resolve(repo_with(tmp_path, "llm-max-calls = 5\nllm_max_tokens = 9000"), {}, {})
    assert (settings.llm_max_calls, settings.llm_max_tokens) == (5, 9000)


def test_tier_settings_come_from_the_environment() -> None:
    environ = {"RATCHET_MID_MODEL": "qwen2.5-coder", "RATCHET_MID_CANDIDATES": "3"}
    settings = resolve(None, environ, {})
    assert (settings.mid_model, settings.mid_candidates) == ("qwen2.5-coder", 3)


def test_an_invalid_llm_timeout_names_the_setting() -> None:
    with pytest.raises(ConfigError, match="'llm_timeout' from RATCHET_LLM_TIMEOUT in the"):
        resolve(None, {"RATCHET_LLM_TIMEOUT": "0"}, {})


def test_a_gate_knob_from_pyproject_overrides_the_default(tmp_path: Path) -> None:
    assert resolve(repo_with(tmp_path, "min-gain = 0.02"), {}, {}).min_gain == 0.02


def test_a_gate_knob_from_the_environment_overrides_pyproject(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, "min_gain = 0.02")
    assert resolve(repo, {"RATCHET_MIN_GAIN": "0.03"}, {}).min_gain == 0.03


def test_a_gate_knob_from_a_flag_overrides_the_environment(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, "min_gain = 0.02")
    assert resolve(repo, {"RATCHET_MIN_GAIN": "0.03"}, {"min_gain": 0.04}).min_gain == 0.04


def test_each_value_knows_where_it_came_from(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, "runs = 4\njobs = 2")
    _, origins = resolve_with_origins(repo, {"RATCHET_JOBS": "3"}, {"counter": "perf"})
    layers = [origins[key].layer for key in ("top", "runs", "jobs", "counter")]
    assert layers == ["default", "pyproject", "environment", "command line"]


def test_an_unknown_pyproject_key_names_it_and_the_known_keys(tmp_path: Path) -> None:
    with pytest.raises(
        ConfigError,
        match=r"unknown key 'memroy_mb' \(did you mean 'memory_mb'\?\); the known keys are sandbox, base_image",
    ):
        resolve(repo_with(tmp_path, "memroy_mb = 512"), {}, {})


def test_the_known_keys_listed_are_all_of_them(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        resolve(repo_with(tmp_path, "no_such_knob = 1"), {}, {})
    assert str(caught.value).endswith(f"the known keys are {', '.join(KEYS)}.")


def test_the_api_key_is_not_a_pyproject_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="unknown key 'llm_api_key'"):
        resolve(repo_with(tmp_path, 'llm_api_key = "sk-in-a-file"'), {}, {})


def test_a_ratchet_tool_entry_that_is_not_a_table_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool]\nratchet = 5\n")
    with pytest.raises(ConfigError, match=r"tool\.ratchet in .* is 5, not a table"):
        resolve(tmp_path, {}, {})


def test_a_key_given_with_both_spellings_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="sets a key twice"):
        resolve(repo_with(tmp_path, "min_gain = 0.1\nmin-gain = 0.2"), {}, {})


@pytest.mark.parametrize("key", ["min_gain", "float_tolerance", "cpus", "timeout"])
@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_a_float_knob_must_be_finite(key: str, value: float) -> None:
    with pytest.raises(ConfigError, match=f"'{key}' .* finite number"):
        resolve(None, {}, {key: value})


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("runs", 1),
        ("jobs", 0),
        ("max_functions", 0),
        ("top", 0),
        ("measure", -1),
        ("min_gain", 1.0),
        ("generate_examples", -1),
        ("generate_examples", 10_001),
        ("generate_seed", -1),
    ],
)
def test_an_out_of_range_knob_is_a_config_error(key: str, value: float) -> None:
    with pytest.raises(ConfigError, match=f"'{key}' from --{key.replace('_', '-')}"):
        resolve(None, {}, {key: value})


@pytest.mark.parametrize(
    ("value", "allowed"),
    [("1", True), ("true", True), ("yes", True), ("0", False), ("false", False), ("no", False)],
)
def test_a_switch_from_the_environment_reads_the_usual_spellings(value: str, allowed: bool) -> None:
    assert resolve(None, {"RATCHET_ALLOW_STATE": value}, {}).allow_state is allowed


@pytest.mark.parametrize("value", ["maybe", "2", "enabled"])
def test_a_switch_that_is_neither_on_nor_off_says_what_to_write(value: str) -> None:
    said = "'allow_state' from RATCHET_ALLOW_STATE in the environment is invalid: expected true"
    with pytest.raises(ConfigError, match=said):
        resolve(None, {"RATCHET_ALLOW_STATE": value}, {})


def test_a_switch_turned_off_by_a_flag_names_the_flag_that_did() -> None:
    _, origins = resolve_with_origins(None, {}, {"allow_state": False})
    assert origins["allow_state"].describe() == "--no-allow-state on the command line"


def test_an_unknown_counter_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="'auto', 'callgrind', 'perf' or 'bytecode'"):
        resolve(None, {"RATCHET_COUNTER": "wall"}, {})


def test_an_empty_variable_counts_as_unset(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, "max_functions = 7")
    assert resolve(repo, {"RATCHET_MAX_FUNCTIONS": ""}, {}).max_functions == 7


def test_a_misspelled_variable_is_named_with_the_likely_one() -> None:
    said = misspelled_variables({"RATCHET_MIN_GIAN": "0.1"})
    assert said == [
        "RATCHET_MIN_GIAN is not a setting and is ignored; did you mean RATCHET_MIN_GAIN?"
    ]


def test_other_tools_ratchet_variables_stay_silent() -> None:
    environ = {"RATCHET_REQUIRE_DOCKER": "1", "RATCHET_PROBE": "/x", "RATCHET_MODE": "ok"}
    assert misspelled_variables(environ) == []
