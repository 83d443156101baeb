"""What the LLM has cost so far, and the hard limits a run may not pass."""

from __future__ import annotations

from dataclasses import dataclass


class BudgetExhausted(Exception):
    """The next LLM call would pass a limit; the message names the limit and the setting."""


@dataclass(frozen=True)
class Usage:
    """Requests sent (retries included), tokens, and seconds spent waiting on the LLM.

    `estimated` is True when some token count is an offline estimate (the server gave none).
    """

    calls: int = 0
    retries: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    estimated: bool = False

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def __add__(self, other: Usage) -> Usage:
        return Usage(
            self.calls + other.calls,
            self.retries + other.retries,
            self.prompt_tokens + other.prompt_tokens,
            self.completion_tokens + other.completion_tokens,
            self.seconds + other.seconds,
            self.estimated or other.estimated,
        )


@dataclass(frozen=True)
class Limits:
    """Hard ceilings for one run; None means no ceiling."""

    max_calls: int | None = None
    max_tokens: int | None = None
    max_seconds: float | None = None


def check_budget(usage: Usage, limits: Limits, prompt_tokens: int) -> None:
    """Raise BudgetExhausted when one more request of about `prompt_tokens` would pass a limit."""
    if limits.max_calls is not None and usage.calls + 1 > limits.max_calls:
        raise BudgetExhausted(
            f"the LLM budget of {limits.max_calls} calls is spent ({usage.calls} made); "
            "raise llm_max_calls to allow more."
        )
    if limits.max_tokens is not None and usage.tokens + prompt_tokens > limits.max_tokens:
        raise BudgetExhausted(
            f"the next LLM request (about {prompt_tokens:,} prompt tokens) would pass the budget "
            f"of {limits.max_tokens:,} tokens ({usage.tokens:,} spent); "
            "raise llm_max_tokens to allow more."
        )
    if limits.max_seconds is not None and usage.seconds >= limits.max_seconds:
        raise BudgetExhausted(
            f"the LLM budget of {limits.max_seconds:g} s is spent ({usage.seconds:.0f} s waited "
            "on the LLM); raise llm_max_seconds to allow more."
        )


def seconds_left(usage: Usage, limits: Limits) -> float | None:
    """How long the next request may take before the time budget is spent (None: no limit)."""
    return None if limits.max_seconds is None else max(limits.max_seconds - usage.seconds, 0.0)
