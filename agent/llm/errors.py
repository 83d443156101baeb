"""How the client sorts what went wrong: transient (wait and retry) or not (a sentence to act on).

    LLMError            the endpoint refused the request, or kept failing after every retry
      LLMUnavailable    ... the latter: timeouts, 429s, 5xx through every retry (try later)
    BudgetExhausted     (agent.llm.usage) the next request would pass a hard limit

Messages never hold the API key: server text is scrubbed of it before it is quoted.
"""

from __future__ import annotations

import email.utils
import time

import openai

TRANSIENT_STATUS = frozenset({408, 409, 429})
DETAIL_CHARS = 200


class LLMError(Exception):
    """The LLM could not answer; the message is one sentence saying what to do."""


class LLMUnavailable(LLMError):
    """The endpoint kept failing in ways that pass (timeouts, 429, 5xx) through every retry:
    worth trying the whole step again later, unlike a refusal."""


def is_transient(exc: Exception) -> bool:
    """Timeouts, dropped connections, rate limits and server errors: worth another try."""
    if isinstance(exc, openai.APIConnectionError):  # includes APITimeoutError
        return True
    if not isinstance(exc, openai.APIStatusError):
        return False
    if exc.status_code == 429 and exc.code == "insufficient_quota":
        return False
    return exc.status_code in TRANSIENT_STATUS or exc.status_code >= 500


def retry_after(exc: Exception) -> float | None:
    """Seconds the server asked to wait (Retry-After-Ms or Retry-After), if it said."""
    if not isinstance(exc, openai.APIStatusError):
        return None
    headers = exc.response.headers
    try:
        if (ms := headers.get("retry-after-ms")) is not None:
            return max(float(ms) / 1000, 0.0)
        if (value := headers.get("retry-after")) is None:
            return None
        return max(float(value), 0.0)
    except ValueError:
        when = email.utils.parsedate_tz(value or "")
        return None if when is None else max(email.utils.mktime_tz(when) - time.time(), 0.0)


def what_failed(exc: Exception, timeout: float) -> str:
    """A few words for a log line: `HTTP 503`, `no answer within 60 s`, `connection failed`."""
    if isinstance(exc, openai.APITimeoutError):
        return f"no answer within {timeout:g} s"
    if isinstance(exc, openai.APIConnectionError):
        return "connection failed"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    return type(exc).__name__


def gave_up(exc: Exception, url: str, attempts: int, timeout: float) -> LLMError:
    """The error after the last retry of a transient failure."""
    if isinstance(exc, openai.APITimeoutError):
        return LLMUnavailable(
            f"the endpoint at {url} gave no answer within {timeout:g} s in {attempts} attempts; "
            "check that the server is up, or raise llm_timeout."
        )
    if isinstance(exc, openai.APIConnectionError):
        return LLMUnavailable(
            f"could not connect to the endpoint at {url} in {attempts} attempts; check "
            "OPENAI_BASE_URL and that the server is running."
        )
    return LLMUnavailable(
        f"the endpoint at {url} still answered {what_failed(exc, timeout)} after {attempts} "
        "attempts; try again later."
    )


def refused(exc: Exception, url: str, model: str, secret: str | None) -> LLMError:
    """The error for a failure that retrying will not fix."""
    if not isinstance(exc, openai.APIStatusError):
        return LLMError(f"the request to {url} failed ({type(exc).__name__}); see the log.")
    code, detail = exc.status_code, _detail(exc, secret)
    if code == 401:
        return LLMError(f"the endpoint at {url} refused the API key (401); check OPENAI_API_KEY.")
    if code == 403:
        return LLMError(
            f"the endpoint at {url} denied access to model {model!r} (403: {detail}); check "
            "that the API key may use it."
        )
    if code == 404:
        return LLMError(
            f"the endpoint at {url} answered 404 for model {model!r} ({detail}); check the "
            "model name (mid_model, high_model) and that the base URL ends in /v1."
        )
    if code == 429:
        return LLMError(
            f"the account behind the API key has no quota left at {url} (429: {detail}); "
            "add credit or use another key."
        )
    return LLMError(
        f"the endpoint at {url} rejected the request ({code}: {detail}); check that model "
        f"{model!r} serves chat completions with these settings."
    )


def waited_too_long(url: str, seconds: float, limit: float) -> LLMError:
    return LLMUnavailable(
        f"the endpoint at {url} asked to wait {seconds:.0f} s before retrying, more than the "
        f"{limit:g} s Ratchet waits; try again later."
    )


def scrub(text: str, secret: str | None) -> str:
    """The text with every copy of the secret replaced by ***."""
    return text.replace(secret, "***") if secret else text


def _detail(exc: openai.APIStatusError, secret: str | None) -> str:
    body = exc.body
    message = body.get("message") if isinstance(body, dict) else None
    text = " ".join(str(message or exc.message).split())
    text = scrub(text, secret)
    return text if len(text) <= DETAIL_CHARS else text[: DETAIL_CHARS - 3] + "..."
