"""What a kind of model needs from the prompts and the client, in one place: how much context
it sees, how long a reply may run, how hot each tier samples, and how long to wait.

| profile | context | max tokens | temperature (mid, high) | request timeout | LLM s per run |
|---------|---------|------------|-------------------------|-----------------|---------------|
| hosted  | 128k    | server's   | server's                | 60 s            | 900 s         |
| local   | 4,096   | 1,024      | 0.4, 0.7                | 600 s           | 3,600 s       |

The local profile is for the small code models llama.cpp runs on a CPU (Qwen2.5-Coder 0.5B and
1.5B measured: 5-14 tokens/s on a busy 2-core machine, so a 1,000-token reply takes minutes).
Its temperature is above zero so the replies of one round differ (identical ones are dropped
before the gate); its context is llama.cpp's n_ctx, and a prompt that leaves less than
`max_tokens` of it for the reply is refused with a reason instead of being cut.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ModelProfile:
    name: str
    context: int  # tokens of prompt and reply together
    max_tokens: int | None  # of one reply; None: the server's limit
    temperature: Mapping[str, float | None] = field(default_factory=dict)  # per tier
    timeout: float = 60.0  # seconds per request, unless llm_timeout says otherwise
    max_seconds: float = 900.0  # LLM seconds per run, unless llm_max_seconds says otherwise
    stop: tuple[str, ...] = ()

    def temperature_for(self, tier: str) -> float | None:
        return self.temperature.get(tier)

    def room(self) -> int:
        """Prompt tokens that still leave a whole reply's room in the context."""
        return self.context - (self.max_tokens or 0)


HOSTED = ModelProfile("hosted", 128_000, None)
LOCAL = ModelProfile(
    "local", 4096, 1024, {"mid": 0.4, "high": 0.7}, timeout=600.0, max_seconds=3600.0
)
