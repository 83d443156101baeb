"""The LLM side of the optimize agent: a budgeted client, prompts, strict reply parsing, tiers.

    client = LLMClient(base_url=..., api_key=..., limits=Limits(max_calls=40))
    messages = render_optimize(OptimizeTask(qualname, path, source, evidence=...))
    outcome = ask_for_candidate(client, messages, qualname, model=tier.model)
    # -> Candidate(source, why) | ReplyError(message)

Exceptions (everything else is an outcome value):

    LLMError          the endpoint refused the request (401, 404, 400, no quota) or kept failing
                      (timeouts, 429, 5xx) after every retry; the message says what to do
    BudgetExhausted   the next request would pass a hard limit (calls, tokens, seconds)

No message, log line or repr holds the API key.
"""

from .ask import Completer, ask_for_candidate, ask_for_candidates
from .client import Completion, LLMClient
from .errors import LLMError, LLMUnavailable
from .local import LocalModel, LocalModelError, LocalServer
from .profiles import HOSTED, LOCAL, ModelProfile
from .render import HotLine, OptimizeTask, render_optimize, render_refine
from .reply import Candidate, ReplyError, parse_reply, render_format_error
from .tiers import Tier, client_for, limits, local_model, tier
from .tokens import estimate_messages, estimate_tokens
from .usage import BudgetExhausted, Limits, Usage

__all__ = [
    "HOSTED",
    "LOCAL",
    "BudgetExhausted",
    "Candidate",
    "Completer",
    "Completion",
    "HotLine",
    "LLMClient",
    "LLMError",
    "LLMUnavailable",
    "Limits",
    "LocalModel",
    "LocalModelError",
    "LocalServer",
    "ModelProfile",
    "OptimizeTask",
    "ReplyError",
    "Tier",
    "Usage",
    "ask_for_candidate",
    "ask_for_candidates",
    "client_for",
    "estimate_messages",
    "estimate_tokens",
    "limits",
    "local_model",
    "parse_reply",
    "render_format_error",
    "render_optimize",
    "render_refine",
    "tier",
]
