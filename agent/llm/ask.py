"""Asking for candidates: one request, strict parsing, and one chance to fix the reply's shape.

A reply the parser cannot read is sent back once with the parser's message; if the second reply
is no better, its ReplyError is returned and the caller counts a failed candidate.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from .client import Completion
from .reply import Candidate, ReplyError, parse_reply, render_format_error

log = logging.getLogger(__name__)


class Completer(Protocol):
    """What asking needs of a client (LLMClient is one)."""

    def complete(
        self,
        messages: Sequence[Mapping[str, str]],
        *,
        model: str,
        n: int = 1,
        temperature: float | None = None,
        max_tokens: int | None = None,
    ) -> Completion: ...


def ask_for_candidate(
    client: Completer,
    messages: Sequence[Mapping[str, str]],
    function_name: str,
    *,
    model: str,
    temperature: float | None = None,
    max_tokens: int | None = None,
) -> Candidate | ReplyError:
    """One candidate for `function_name`, or why the model's replies could not be read."""
    ask = Ask(client, function_name, model, temperature, max_tokens)
    return ask.settle(messages, ask.complete(messages, 1).texts[0])


def ask_for_candidates(
    client: Completer,
    messages: Sequence[Mapping[str, str]],
    function_name: str,
    *,
    model: str,
    n: int,
    temperature: float | None = None,
    max_tokens: int | None = None,
) -> list[Candidate | ReplyError]:
    """n candidates from one request (n choices); each unreadable one gets its one retry."""
    ask = Ask(client, function_name, model, temperature, max_tokens)
    return [ask.settle(messages, text) for text in ask.complete(messages, n).texts]


@dataclass(frozen=True)
class Ask:
    """One target's request settings, shared by the first request and the retries."""

    client: Completer
    function_name: str
    model: str
    temperature: float | None
    max_tokens: int | None

    def complete(self, messages: Sequence[Mapping[str, str]], n: int) -> Completion:
        return self.client.complete(
            messages,
            model=self.model,
            n=n,
            temperature=self.temperature,
            max_tokens=self.max_tokens,
        )

    def settle(self, messages: Sequence[Mapping[str, str]], text: str) -> Candidate | ReplyError:
        """The reply's candidate; else the candidate of the one retry, or its ReplyError."""
        first = self.parse(text)
        if isinstance(first, Candidate):
            return first
        retry = [*messages, {"role": "assistant", "content": text}, render_format_error(first)]
        return self.parse(self.complete(retry, 1).texts[0])

    def parse(self, text: str) -> Candidate | ReplyError:
        parsed = parse_reply(text, self.function_name)
        log.debug("reply for %s (%s):\n%s", self.function_name, type(parsed).__name__, text)
        return parsed
