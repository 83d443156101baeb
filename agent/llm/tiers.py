"""Budget tiers: how much model, how many candidates and rounds, and how much context a run buys.

| tier | proposer           | candidates per round | rounds        | context |
|------|--------------------|----------------------|---------------|---------|
| low  | the offline rules  | what the rules find  | 1             | small   |
| mid  | `mid_model`, LLM   | `mid_candidates`     | `mid_rounds`  | medium  |
| high | `high_model`, LLM  | `high_candidates`    | `high_rounds` | large   |

The context label names the column of the memory tiers (DESIGN.md) the context builder fills.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from agent.config import Settings

from .client import LLMClient
from .local import LocalModel
from .profiles import HOSTED, LOCAL, ModelProfile
from .usage import Limits

ContextSize = Literal["small", "medium", "large"]


@dataclass(frozen=True)
class Tier:
    """One budget tier, resolved from the settings; `model` is None for the offline low tier."""

    name: Literal["low", "mid", "high"]
    model: str | None
    candidates: int
    rounds: int
    context: ContextSize
    profile: ModelProfile = HOSTED

    @property
    def uses_llm(self) -> bool:
        return self.model is not None

    @property
    def temperature(self) -> float | None:
        return self.profile.temperature_for(self.name)


def tier(settings: Settings) -> Tier:
    """The tier the settings ask for; with --llm local both LLM tiers ask the local model."""
    local = local_model(settings)
    profile = LOCAL if local else HOSTED
    if settings.budget == "high":
        model = local.alias if local else settings.high_model
        return Tier("high", model, settings.high_candidates, settings.high_rounds, "large", profile)
    if settings.budget == "mid":
        model = local.alias if local else settings.mid_model
        return Tier("mid", model, settings.mid_candidates, settings.mid_rounds, "medium", profile)
    return Tier("low", None, 0, 1, "small")


def local_model(settings: Settings) -> LocalModel | None:
    """The model --llm local runs, or None when the LLM is an endpoint."""
    if settings.llm != "local":
        return None
    return LocalModel(settings.local_model_path(), settings.local_threads)


def limits(settings: Settings) -> Limits:
    """The run's hard LLM limits."""
    seconds = settings.llm_max_seconds or _profile(settings).max_seconds
    return Limits(settings.llm_max_calls, settings.llm_max_tokens, seconds)


def client_for(settings: Settings, base_url: str | None = None) -> LLMClient | None:
    """The LLM client the settings describe (at `base_url` when given: the local server's), or
    None for the low tier (which asks no LLM)."""
    if not tier(settings).uses_llm:
        return None
    return LLMClient(
        base_url=base_url or settings.llm_base_url,
        api_key=None if base_url else settings.llm_api_key,
        timeout=settings.llm_timeout or _profile(settings).timeout,
        max_retries=settings.llm_max_retries,
        limits=limits(settings),
    )


def _profile(settings: Settings) -> ModelProfile:
    return LOCAL if settings.llm == "local" else HOSTED
