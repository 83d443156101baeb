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

    @property
    def uses_llm(self) -> bool:
        return self.model is not None


def tier(settings: Settings) -> Tier:
    """The tier the settings ask for."""
    if settings.budget == "high":
        return Tier(
            "high", settings.high_model, settings.high_candidates, settings.high_rounds, "large"
        )
    if settings.budget == "mid":
        return Tier(
            "mid", settings.mid_model, settings.mid_candidates, settings.mid_rounds, "medium"
        )
    return Tier("low", None, 0, 1, "small")


def limits(settings: Settings) -> Limits:
    """The run's hard LLM limits."""
    return Limits(settings.llm_max_calls, settings.llm_max_tokens, settings.llm_max_seconds)


def client_for(settings: Settings) -> LLMClient | None:
    """The LLM client the settings describe, or None for the low tier (which asks no LLM)."""
    if not tier(settings).uses_llm:
        return None
    return LLMClient(
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key,
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        limits=limits(settings),
    )
