"""The environment sandboxed code sees: FIXED plus what the sandbox gives, never a secret."""

from __future__ import annotations

import pytest

from sandbox.environ import host_env_without_secrets, sandbox_env

SECRETS = ["OPENAI_API_KEY", "github_token", "Client_Secret", "DB_PASSWORD"]


@pytest.mark.parametrize("name", SECRETS)
def test_secret_names_in_base_are_dropped(name: str) -> None:
    assert name not in sandbox_env({name: "x"})


@pytest.mark.parametrize("name", SECRETS)
def test_secret_names_in_extra_are_dropped(name: str) -> None:
    assert name not in sandbox_env({}, {name: "x"})


def test_plain_names_from_base_and_extra_are_kept() -> None:
    env = sandbox_env({"HOME": "/home/sandbox"}, {"FOO": "1"})
    assert (env["HOME"], env["FOO"]) == ("/home/sandbox", "1")


def test_fixed_values_are_always_present() -> None:
    assert sandbox_env({})["PYTHONHASHSEED"] == "0"


def test_host_env_keeps_configuration_and_drops_secrets() -> None:
    host = {"PIP_INDEX_URL": "https://pypi.example/simple", "AWS_SECRET_ACCESS_KEY": "s"}
    assert host_env_without_secrets(host) == {"PIP_INDEX_URL": "https://pypi.example/simple"}
