"""The LLM client: chat completions from any OpenAI-compatible endpoint, with retries, token
accounting and a hard budget. This is the one module of the agent that talks HTTP.

    client = LLMClient(base_url="http://localhost:11434/v1", api_key=None, limits=Limits(40))
    completion = client.complete(messages, model="qwen2.5-coder", n=2)

Transient failures (timeouts, dropped connections, 408/409/429, 5xx) are retried with
exponential backoff, honouring the server's Retry-After when it is at most `max_wait`; the
`openai` package's own retries are off, so every request sent is counted in `usage`. Other
failures raise LLMError with a sentence saying what to do; the budget raises BudgetExhausted.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import openai
from pydantic import SecretStr

from . import errors
from .errors import LLMError
from .tokens import estimate_messages, estimate_tokens
from .usage import Limits, Usage, check_budget, seconds_left

log = logging.getLogger(__name__)

OPENAI_URL = "https://api.openai.com/v1"
NO_KEY = "no-key"  # local servers (Ollama, vLLM, llama.cpp) take any key, but one must be sent
Messages = Sequence[Mapping[str, str]]


@dataclass(frozen=True)
class Completion:
    """The texts of the choices (n of them), tokens they cost, and the model that answered.

    `estimated` is True when the server reported no usage and the counts are offline estimates.
    """

    texts: tuple[str, ...]
    prompt_tokens: int
    completion_tokens: int
    estimated: bool
    model: str


class LLMClient:
    """Chat completions under retries and a budget; safe to share between threads (requests
    started at the same moment may each pass the budget check before either is counted)."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: SecretStr | str | None = None,
        timeout: float = 60.0,
        max_retries: int = 3,
        limits: Limits | None = None,
        backoff: float = 1.0,
        max_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = (base_url or OPENAI_URL).rstrip("/")
        self._key = api_key if isinstance(api_key, SecretStr) else SecretStr(api_key or "")
        self.timeout, self.max_retries, self.limits = timeout, max_retries, limits or Limits()
        self.backoff, self.max_wait, self._sleep = backoff, max_wait, sleep
        self._usage = Usage()
        self._lock = threading.Lock()
        self._openai = openai.OpenAI(
            base_url=self.base_url,
            api_key=self._key.get_secret_value() or NO_KEY,
            organization=None,
            project=None,
            max_retries=0,
            timeout=timeout,
        )

    def __repr__(self) -> str:
        return f"LLMClient(base_url={self.base_url!r}, api_key={self._key!r})"

    @property
    def usage(self) -> Usage:
        return self._usage

    def complete(
        self,
        messages: Messages,
        *,
        model: str,
        n: int = 1,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> Completion:
        """n choices for the conversation; more requests when a server returns fewer than asked."""
        if n < 1:
            raise ValueError(f"n must be at least 1, not {n}")
        parts: list[Completion] = []
        while (have := sum(len(p.texts) for p in parts)) < n:
            parts.append(self._one(messages, model, n - have, temperature, max_tokens))
        return Completion(
            texts=tuple(text for part in parts for text in part.texts),
            prompt_tokens=sum(p.prompt_tokens for p in parts),
            completion_tokens=sum(p.completion_tokens for p in parts),
            estimated=any(p.estimated for p in parts),
            model=parts[0].model,
        )

    def close(self) -> None:
        self._openai.close()

    def __enter__(self) -> LLMClient:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _one(
        self, messages: Messages, model: str, n: int, temperature: float | None, limit: int | None
    ) -> Completion:
        request: dict[str, Any] = {"model": model, "messages": list(messages)}
        request |= {"n": n} if n > 1 else {}
        request |= {"temperature": temperature} if temperature is not None else {}
        request |= {"max_tokens": limit} if limit is not None else {}
        response, seconds = self._send(request, estimate_messages(messages))
        texts = tuple(choice.message.content or "" for choice in response.choices)
        completion = self._account(response, messages, texts, model, seconds)
        if not texts:
            raise LLMError(f"the endpoint at {self.base_url} answered with no choices; check it.")
        return completion

    def _send(self, request: dict[str, Any], prompt_estimate: int) -> tuple[Any, float]:
        """The response and the seconds it took, after as many attempts as it needs."""
        attempt = 1
        while True:
            timeout = self._timeout_now(prompt_estimate)
            started = time.monotonic()
            try:
                response = self._openai.chat.completions.create(**request, timeout=timeout)
            except openai.OpenAIError as exc:
                failure = exc  # handled outside the except block: no __context__ to leak
            else:
                return response, time.monotonic() - started
            self._record(Usage(calls=1, seconds=time.monotonic() - started))
            self._after_failure(failure, request["model"], attempt, timeout)
            attempt += 1

    def _timeout_now(self, prompt_estimate: int) -> float:
        with self._lock:
            check_budget(self._usage, self.limits, prompt_estimate)
            left = seconds_left(self._usage, self.limits)
        return self.timeout if left is None else min(self.timeout, left)

    def _after_failure(self, exc: Exception, model: str, attempt: int, timeout: float) -> None:
        """Wait before the next attempt, or raise LLMError when there is none worth making."""
        secret = self._key.get_secret_value() or None
        if not errors.is_transient(exc):
            raise errors.refused(exc, self.base_url, model, secret)
        if attempt > self.max_retries:
            raise errors.gave_up(exc, self.base_url, attempt, timeout)
        asked = errors.retry_after(exc)
        if asked is not None and asked > self.max_wait:
            raise errors.waited_too_long(self.base_url, asked, self.max_wait)
        delay = asked if asked is not None else self._backoff(attempt)
        log.info(
            "LLM request to %s: %s; retrying in %.1f s (attempt %d of %d)",
            self.base_url,
            errors.what_failed(exc, timeout),
            delay,
            attempt + 1,
            self.max_retries + 1,
        )
        self._record(Usage(retries=1, seconds=delay))
        self._sleep(delay)

    def _backoff(self, attempt: int) -> float:
        return min(self.backoff * 2 ** (attempt - 1), self.max_wait) * random.uniform(0.75, 1.0)

    def _account(
        self, response: Any, messages: Messages, texts: tuple[str, ...], model: str, seconds: float
    ) -> Completion:
        """The completion, its tokens (the server's, else estimated) added to `usage`."""
        usage = response.usage
        if usage is not None and usage.prompt_tokens is not None:
            prompt, completion = usage.prompt_tokens, usage.completion_tokens or 0
        else:
            prompt = estimate_messages(messages)
            completion = sum(estimate_tokens(text) for text in texts)
        estimated = usage is None or usage.prompt_tokens is None
        self._record(Usage(1, 0, prompt, completion, seconds, estimated))
        return Completion(texts, prompt, completion, estimated, response.model or model)

    def _record(self, usage: Usage) -> None:
        with self._lock:
            self._usage = self._usage + usage
