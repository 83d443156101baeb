"""Configuration, resolved once in the CLI: defaults < [tool.ratchet] < RATCHET_* < flags.

Nothing below the CLI reads the environment; it receives a `Settings`.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from sandbox import Limits

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# Settings a user may put in [tool.ratchet] or RATCHET_<NAME>: (key, field).
KEYS = (
    "sandbox",
    "base_image",
    "cache_dir",
    "memory_mb",
    "timeout",
    "pids",
    "cpus",
    *("budget", "mid_model", "high_model", "mid_candidates", "high_candidates"),
    *("mid_rounds", "high_rounds", "llm_timeout", "llm_max_retries"),
    *("llm_max_calls", "llm_max_tokens", "llm_max_seconds"),
)
Budget = Literal["low", "mid", "high"]


class ConfigError(Exception):
    """A setting from outside was invalid; the message names it and says what was expected."""


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sandbox: Literal["auto", "docker", "local"] = "auto"
    base_image: str | None = None
    cache_dir: Path
    memory_mb: int = Field(2048, ge=128)
    timeout: float = Field(900.0, gt=0)
    pids: int = Field(256, ge=16)
    cpus: float = Field(2.0, gt=0)
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    # The budget tier (see agent.llm.tiers); when unset: "mid" with an API key, else "low".
    budget: Budget = Field(None, validate_default=True)
    mid_model: str = Field("gpt-4o-mini", min_length=1)
    high_model: str = Field("gpt-4o", min_length=1)
    mid_candidates: int = Field(2, ge=1, le=16)  # candidates per round
    high_candidates: int = Field(4, ge=1, le=16)
    mid_rounds: int = Field(2, ge=1, le=10)  # rounds per target (later ones see the rejections)
    high_rounds: int = Field(3, ge=1, le=10)
    llm_timeout: float = Field(60.0, gt=0)  # seconds per request
    llm_max_retries: int = Field(3, ge=0, le=10)  # per request, for transient failures
    llm_max_calls: int = Field(40, ge=1)  # hard limits for one run
    llm_max_tokens: int = Field(200_000, ge=1)
    llm_max_seconds: float = Field(900.0, gt=0)

    @field_validator("budget", mode="before")
    @classmethod
    def _budget(cls, value: object, info: ValidationInfo) -> object:
        """Default to what the LLM settings allow; refuse an LLM tier with no LLM to ask."""
        if value is None:
            return "mid" if info.data.get("llm_api_key") else "low"
        value = value.strip().lower() if isinstance(value, str) else value
        if value in ("mid", "high") and not (
            info.data.get("llm_api_key") or info.data.get("llm_base_url")
        ):
            raise ValueError(
                f"the {value} budget asks an LLM and none is configured; set OPENAI_API_KEY "
                "(or OPENAI_BASE_URL for a local server), or use the low budget"
            )
        return value

    def limits(self) -> Limits:
        return Limits(
            timeout=self.timeout, memory_mb=self.memory_mb, pids=self.pids, cpus=self.cpus
        )


def default_cache_dir(environ: Mapping[str, str]) -> Path:
    xdg = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "ratchet"


def _from_pyproject(repo: Path | None) -> dict[str, Any]:
    if repo is None or not (repo / "pyproject.toml").is_file():
        return {}
    try:
        data = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{repo / 'pyproject.toml'} is not valid TOML: {exc}") from exc
    table = data.get("tool", {}).get("ratchet", {})
    return {k.replace("-", "_"): v for k, v in table.items() if k.replace("-", "_") in KEYS}


def _from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {
        key: environ[f"RATCHET_{key.upper()}"]
        for key in KEYS
        if f"RATCHET_{key.upper()}" in environ
    }
    if environ.get("OPENAI_BASE_URL"):
        found["llm_base_url"] = environ["OPENAI_BASE_URL"]
    if environ.get("OPENAI_API_KEY"):
        found["llm_api_key"] = environ["OPENAI_API_KEY"]
    return found


def resolve(repo: Path | None, environ: Mapping[str, str], flags: Mapping[str, Any]) -> Settings:
    """Merge the four layers; ConfigError names the setting and its source when one is invalid."""
    layers = [
        ("[tool.ratchet] in pyproject.toml", _from_pyproject(repo)),
        ("the RATCHET_* environment", _from_environ(environ)),
        ("the command line", {k: v for k, v in flags.items() if v is not None}),
    ]
    merged: dict[str, Any] = {"cache_dir": default_cache_dir(environ)}
    origin: dict[str, str] = {}
    for source, layer in layers:
        merged.update(layer)
        origin.update(dict.fromkeys(layer, source))
    try:
        return Settings(**merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else "?"
        raise ConfigError(
            f"setting {name!r} from {origin.get(name, 'the defaults')} is invalid: "
            f"{first['msg']} (got {first.get('input')!r})."
        ) from exc
