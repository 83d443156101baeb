"""Settings resolve once: defaults < [tool.ratchet] < RATCHET_* < flags; errors name the source."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.config import ConfigError, resolve


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
    with pytest.raises(ConfigError, match=r"'memory_mb' from the RATCHET_\* environment"):
        resolve(None, {"RATCHET_MEMORY_MB": "abc"}, {})


def test_invalid_pyproject_value_names_the_setting_and_source(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"'sandbox' from \[tool\.ratchet\] in pyproject\.toml"):
        resolve(repo_with(tmp_path, 'sandbox = "vm"'), {}, {})


def test_invalid_flag_names_the_setting_and_source() -> None:
    with pytest.raises(ConfigError, match="'pids' from the command line"):
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
    with pytest.raises(ConfigError, match=r"'budget' from the command line .*set OPENAI_API_KEY"):
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


def test_llm_defaults() -> None:
    settings = resolve(None, {}, {})
    assert (settings.mid_model, settings.high_model, settings.llm_timeout) == (
        "gpt-4o-mini",
        "gpt-4o",
        60.0,
    )


def test_llm_limits_come_from_pyproject(tmp_path: Path) -> None:
    settings = resolve(repo_with(tmp_path, "llm-max-calls = 5\nllm_max_tokens = 9000"), {}, {})
    assert (settings.llm_max_calls, settings.llm_max_tokens) == (5, 9000)


def test_tier_settings_come_from_the_environment() -> None:
    environ = {"RATCHET_MID_MODEL": "qwen2.5-coder", "RATCHET_MID_CANDIDATES": "3"}
    settings = resolve(None, environ, {})
    assert (settings.mid_model, settings.mid_candidates) == ("qwen2.5-coder", 3)


def test_an_invalid_llm_timeout_names_the_setting() -> None:
    with pytest.raises(ConfigError, match="'llm_timeout' from the RATCHET_"):
        resolve(None, {"RATCHET_LLM_TIMEOUT": "0"}, {})
