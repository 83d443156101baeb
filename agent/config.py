"""Configuration, resolved once in the CLI: defaults < [tool.ratchet] < RATCHET_* < flags.

Every knob is a `Settings` field, and every field in KEYS has three spellings: `min_gain` (or
`min-gain`) in the target's [tool.ratchet], `RATCHET_MIN_GAIN` in the environment, and the flag
`--min-gain` on the commands it applies to. The flags that are not settings say what one run works
on or where its output goes (PATH, --function, --file, --line, --changed, --base, --all,
--candidate, --command, --apply, --json-report, --flamegraph, --diff, --format): a file in the
repo must not change those silently. The LLM endpoint and key come from OPENAI_BASE_URL and
OPENAI_API_KEY only, so no secret is ever written into a pyproject.toml.

Nothing below the CLI reads the environment; it receives a `Settings`, or an option object built
from one in agent/options.py.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from dataclasses import dataclass
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

from agent.gate.timeouts import FLOOR, MULTIPLE
from profilers.compare import DEFAULT_MIN_GAIN
from sandbox import Limits
from sandbox.errors import BadRepository
from sandbox.pyproject import read_toml

Budget = Literal["low", "mid", "high"]
Counter = Literal["auto", "callgrind", "perf", "bytecode"]
# Where scripts/local-model.sh caches the test model, under cache_dir.
LOCAL_MODEL = "models/qwen2.5-coder-0.5b-instruct-q4_k_m.gguf"
FROM_OPENAI_ENV = {"llm_base_url": "OPENAI_BASE_URL", "llm_api_key": "OPENAI_API_KEY"}


class ConfigError(Exception):
    """A setting from outside was invalid; the message names it and says what was expected."""


class Settings(BaseModel):
    """Every knob of every command; the descriptions are the flags' help texts."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    # The sandbox.
    sandbox: Literal["auto", "docker", "local"] = Field(
        "auto",
        description="Where code runs: docker, local, or auto (Docker when an engine and a base "
        "image are ready, else local).",
    )
    base_image: str | None = Field(
        None,
        description="Docker base image. [default: ratchet-base:bookworm, else python:<ver>-slim]",
    )
    cache_dir: Path = Field(description="Where images, environments and logs are cached.")
    memory_mb: int = Field(2048, ge=128, description="Memory limit of a sandboxed run, in MiB.")
    timeout: float = Field(900.0, gt=0, description="Seconds before a sandboxed run is killed.")
    pids: int = Field(256, ge=16, description="Process limit of a sandboxed run.")
    cpus: float = Field(2.0, gt=0, description="CPU limit of a sandboxed run.")
    # The LLM (see agent.llm.tiers); the endpoint and key come from OPENAI_* only.
    llm_base_url: str | None = None
    llm_api_key: SecretStr | None = None
    llm: Literal["openai", "local"] = Field(
        "openai",
        description="The LLM the mid and high budgets ask. openai: the OpenAI-compatible "
        "endpoint in OPENAI_BASE_URL (OpenAI itself, Ollama, vLLM, a llama.cpp server) with "
        "OPENAI_API_KEY. local: Ratchet runs local_model itself, on loopback, for the run "
        "(needs `pip install 'ratchet-agent[local]'`).",
    )
    local_model: Path | None = Field(
        None,
        description="The GGUF model file --llm local runs. [default: the model "
        f"scripts/local-model.sh caches, <cache_dir>/{LOCAL_MODEL}]",
    )
    local_threads: int = Field(
        0, ge=0, le=64, description="Threads the local model uses (0: half the CPUs, at least 1)."
    )
    budget: Budget = Field(
        None,
        validate_default=True,
        description="low: the offline rewrite rules, no LLM. mid: an LLM, compact context, few "
        "candidates. high: a stronger model, more candidates and refinement rounds. [default: mid "
        "when OPENAI_API_KEY or OPENAI_BASE_URL is set, else low] Asking for mid or high with no "
        "LLM configured is an error, not a silent fallback.",
    )
    mid_model: str = Field("gpt-4o-mini", min_length=1, description="The mid budget's model.")
    high_model: str = Field("gpt-4o", min_length=1, description="The high budget's model.")
    mid_candidates: int = Field(2, ge=1, le=16, description="Candidates per round (mid).")
    high_candidates: int = Field(4, ge=1, le=16, description="Candidates per round (high).")
    mid_rounds: int = Field(
        2, ge=1, le=10, description="Rounds per target; later ones see the rejections (mid)."
    )
    high_rounds: int = Field(3, ge=1, le=10, description="Rounds per target (high).")
    llm_timeout: float | None = Field(
        None, gt=0, description="Seconds per LLM request. [default: 60; 600 with --llm local]"
    )
    llm_max_retries: int = Field(
        3, ge=0, le=10, description="Retries per LLM request, for transient failures."
    )
    llm_max_calls: int = Field(40, ge=1, description="LLM requests in one run, at most.")
    llm_max_tokens: int = Field(200_000, ge=1, description="LLM tokens in one run, at most.")
    llm_max_seconds: float | None = Field(
        None, gt=0, description="Seconds of LLM time in one run. [default: 900; 3600 local]"
    )
    # Measurement and the gate.
    counter: Counter = Field(
        "auto",
        description="Instruction counter: callgrind (exact), perf (hardware), bytecode "
        "(advisory); auto picks the first that works here.",
    )
    runs: int = Field(3, ge=2, le=20, description="Measured runs of each side (K).")
    min_gain: float = Field(
        DEFAULT_MIN_GAIN,
        ge=0,
        lt=1,
        description="Smallest median instruction gain accepted, as a fraction (0.005 = 0.5%). "
        "The gate also demands every candidate run below every baseline run, and a gain of at "
        "least three times the spread between identical runs.",
    )
    float_tolerance: float = Field(
        0.0,
        ge=0,
        description="Relative tolerance when comparing floats in replayed calls (0: exact).",
    )
    generate_examples: int = Field(
        100,
        ge=0,
        le=10_000,
        description="Hypothesis inputs generated per target, as a count, so a verdict does not "
        "depend on how loaded the machine is (0 turns generated inputs off).",
    )
    generate_seed: int = Field(
        0, ge=0, description="Seed of the generated inputs: the same inputs on every machine."
    )
    allow_state: bool = Field(
        False,
        description="Accept a candidate whose speedup comes from state kept across calls (a "
        "cache). By default the gate rejects it, because the saving does not show in a fresh "
        "process.",
    )
    timeout_multiple: float = Field(
        MULTIPLE,
        ge=2,
        description="A candidate's run is killed after this many times the original's wall "
        "time for the same kind of run (its tests, the replay, a measured run), so a candidate "
        "that hangs is rejected in about a minute; `timeout` stays the hard cap.",
    )
    timeout_floor: float = Field(
        FLOOR,
        ge=1,
        description="Seconds a candidate's run is always given, however quick the original's "
        "was: wall time stretches on a loaded machine, and must never reject an honest candidate.",
    )
    measure_exclude: tuple[str, ...] = Field(
        (),
        description="Tests left out of the measured workload (node ids, or a file or folder "
        "that holds them), e.g. wall-clock assertions that cannot hold under callgrind. Tests "
        "that pass alone but fail while measured are left out on their own, with a note; in "
        "RATCHET_MEASURE_EXCLUDE, separate them with commas.",
    )
    # Optimize.
    max_functions: int = Field(3, ge=1, description="How many of the hottest functions to work on.")
    jobs: int = Field(1, ge=1, le=16, description="Candidates gated in parallel.")
    # Profile.
    top: int = Field(10, ge=1, description="Hotspots to show.")
    measure: int = Field(
        5, ge=0, description="How many of the top hotspots to count instructions for."
    )
    rate: int = Field(
        100,
        ge=10,
        le=5000,
        description="py-spy samples per second (higher costs the profiled run more).",
    )
    min_samples: int = Field(
        400,
        ge=1,
        description="Sample a short command again (up to 8 runs) until there are this many samples.",
    )

    @field_validator("measure_exclude", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("budget", mode="before")
    @classmethod
    def _budget(cls, value: object, info: ValidationInfo) -> object:
        """Default to what the LLM settings allow; refuse an LLM tier with no LLM to ask."""
        local = info.data.get("llm") == "local"
        if value is None:
            return "mid" if info.data.get("llm_api_key") or local else "low"
        value = value.strip().lower() if isinstance(value, str) else value
        if value in ("mid", "high") and not (
            info.data.get("llm_api_key") or info.data.get("llm_base_url") or local
        ):
            raise ValueError(
                f"the {value} budget asks an LLM and none is configured; set OPENAI_API_KEY "
                "(or OPENAI_BASE_URL for a server of your own), pass --llm local to run a local "
                "model, or use the low budget"
            )
        return value

    def local_model_path(self) -> Path:
        return self.local_model or self.cache_dir / LOCAL_MODEL

    def limits(self) -> Limits:
        return Limits(
            timeout=self.timeout, memory_mb=self.memory_mb, pids=self.pids, cpus=self.cpus
        )


# The keys a user may set in [tool.ratchet], as RATCHET_<KEY>, or as a flag.
KEYS = tuple(name for name in Settings.model_fields if name not in FROM_OPENAI_ENV)


def env_name(key: str) -> str:
    return f"RATCHET_{key.upper()}"


def flag_name(key: str, value: object = None) -> str:
    """The flag that sets `key`; `--no-<key>` when it turned a switch (a bool knob) off."""
    return ("--no-" if value is False else "--") + key.replace("_", "-")


@dataclass(frozen=True)
class Origin:
    """Where one setting's value came from: its layer, and the name it had there."""

    layer: Literal["default", "pyproject", "environment", "command line"]
    name: str = ""  # the pyproject.toml's path, the variable, or the flag

    def describe(self) -> str:
        return {
            "default": "the defaults",
            "pyproject": f"[tool.ratchet] in {self.name}",
            "environment": f"{self.name} in the environment",
            "command line": f"{self.name} on the command line",
        }[self.layer]


def default_cache_dir(environ: Mapping[str, str]) -> Path:
    xdg = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(xdg) / "ratchet"


def _closest(word: str, known: tuple[str, ...]) -> str | None:
    return next(iter(difflib.get_close_matches(word, known, n=1, cutoff=0.75)), None)


def _read_table(path: Path) -> Mapping[str, Any]:
    try:
        data = read_toml(path)
    except BadRepository as exc:
        raise ConfigError(str(exc)) from exc
    tool = data.get("tool", {})
    table = tool.get("ratchet", {}) if isinstance(tool, dict) else {}
    if not isinstance(table, dict):
        raise ConfigError(
            f"tool.ratchet in {path} is {table!r}, not a table; write the settings as "
            "`key = value` lines under a [tool.ratchet] heading (`ratchet config` lists the keys)."
        )
    return table


def _from_pyproject(repo: Path | None) -> dict[str, Any]:
    """[tool.ratchet] of the repo's pyproject.toml, keys normalized; an unknown key is an error."""
    if repo is None:
        return {}
    path = repo / "pyproject.toml"
    try:
        if not path.is_file():
            return {}
        table = _read_table(path)
    except OSError as exc:
        raise ConfigError(
            f"{path} cannot be read ({str(exc.strerror).lower()}); make {repo} and its pyproject.toml "
            "readable, or pass another folder."
        ) from exc
    found = {key.replace("-", "_"): value for key, value in table.items()}
    if unknown := [key for key in table if key.replace("-", "_") not in KEYS]:
        guess = _closest(unknown[0].replace("-", "_"), KEYS)
        raise ConfigError(
            f"[tool.ratchet] in {path} has the unknown key{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(map(repr, unknown))}{f' (did you mean {guess!r}?)' if guess else ''}; "
            f"the known keys are {', '.join(KEYS)}."
        )
    if len(found) < len(table):
        raise ConfigError(
            f"[tool.ratchet] in {path} sets a key twice (once with - and once with _)."
        )
    return found


def _from_environ(environ: Mapping[str, str]) -> dict[str, Any]:
    """RATCHET_<KEY> and the OPENAI_* variables; an empty variable counts as unset."""
    names = {key: env_name(key) for key in KEYS} | FROM_OPENAI_ENV
    return {key: environ[name] for key, name in names.items() if environ.get(name)}


def misspelled_variables(environ: Mapping[str, str]) -> list[str]:
    """Sentences about RATCHET_* variables that look like a setting's name but are none.

    Only near misses are named: other RATCHET_* variables (RATCHET_REQUIRE_DOCKER for the tests,
    RATCHET_PROBE inside the sandbox) belong to other tools and stay silent."""
    said = []
    for name in sorted(environ):
        key = name.removeprefix("RATCHET_").lower()
        if name.startswith("RATCHET_") and key not in KEYS and (guess := _closest(key, KEYS)):
            said.append(f"{name} is not a setting and is ignored; did you mean {env_name(guess)}?")
    return said


def resolve_with_origins(
    repo: Path | None, environ: Mapping[str, str], flags: Mapping[str, Any]
) -> tuple[Settings, dict[str, Origin]]:
    """Merge the four layers; ConfigError names the setting and its source when one is invalid."""
    where = repo / "pyproject.toml" if repo is not None else None
    layers = [
        (_from_pyproject(repo), lambda key: Origin("pyproject", str(where))),
        (_from_environ(environ), lambda key: Origin("environment", _variable(key))),
        (
            {k: v for k, v in flags.items() if v is not None},
            lambda key: Origin("command line", flag_name(key, flags[key])),
        ),
    ]
    merged: dict[str, Any] = {"cache_dir": default_cache_dir(environ)}
    origin = dict.fromkeys(Settings.model_fields, Origin("default"))
    for layer, origin_of in layers:
        merged.update(layer)
        origin.update({key: origin_of(key) for key in layer})
    try:
        return Settings(**merged), origin
    except ValidationError as exc:
        raise ConfigError(_first_error(exc, origin)) from exc


def resolve(repo: Path | None, environ: Mapping[str, str], flags: Mapping[str, Any]) -> Settings:
    return resolve_with_origins(repo, environ, flags)[0]


def _variable(key: str) -> str:
    return FROM_OPENAI_ENV.get(key) or env_name(key)


def _first_error(exc: ValidationError, origin: Mapping[str, Origin]) -> str:
    first = exc.errors()[0]
    name = str(first["loc"][0]) if first["loc"] else "?"
    source = origin.get(name, Origin("default")).describe()
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] in ("bool_parsing", "bool_type"):
        message = "expected true or false, or 1/0, yes/no, on/off"
    shown = "" if name == "llm_api_key" else f" (got {first.get('input')!r})"
    return f"setting {name!r} from {source} is invalid: {message}{shown}."


@dataclass(frozen=True)
class Explained:
    """The settings in effect, and where each value came from (for `ratchet config`)."""

    settings: Settings
    origins: Mapping[str, Origin]

    def to_json(self) -> dict[str, Any]:
        values = self.settings.model_dump(mode="json")
        return {
            "version": 1,
            "settings": {
                key: {"value": values[key], "from": self.origins[key].describe()} for key in KEYS
            },
        }


def render_settings(explained: Explained) -> str:
    """The settings as [tool.ratchet] lines (valid TOML), each with where its value came from."""
    values = explained.settings.model_dump(mode="json")
    lines = [
        (f"{key} = {json.dumps(values[key])}" if values[key] is not None else f"# {key} unset")
        for key in KEYS
    ]
    width = max(map(len, lines))
    return "\n".join(
        f"{line:<{width}}  # {explained.origins[key].describe()}"
        for line, key in zip(lines, KEYS, strict=True)
    )
