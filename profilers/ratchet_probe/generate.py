"""Mode "generate": Hypothesis inputs shaped like the recorded ones, by count and seed.

It runs against the unchanged code only, once per target: it draws up to `examples` distinct
inputs (the same ones on every machine under any load: a count and a seed, never a time budget)
and writes them as a recording of their own, arguments only. The host then checks that recording
against the unchanged code and replays it against each candidate, exactly as it does the recorded
calls, so the candidate never shares a process with the original or sees an expected output.
With strategies.py, the only probe modules that import anything outside the standard library,
so they are imported only when a generation runs.
"""

from __future__ import annotations

import pickle
from typing import Any

from hypothesis import HealthCheck, Phase, given, seed, settings

from .protocol import GenerateConfig
from .replay import Recording, Tally, import_target
from .strategies import call_strategy
from .values import PICKLE_PROTOCOL, freeze


def generate_calls(config: GenerateConfig, recording: Recording, tally: Tally) -> None:
    function, _, _ = import_target(recording["target"])
    strategy = call_strategy(recording, function)
    drawn: list[bytes] = []
    if strategy is None:
        tally.note = (
            "no input could be generated: no replayable recorded call and no annotations of "
            "builtin types"
        )
    else:
        _draw(strategy, config, drawn, tally)
    calls = [
        {"index": i, "test": "", "args": blob, "replayable": True, "duration": 0.0}
        for i, blob in enumerate(drawn)
    ]
    generated = {**{k: v for k, v in recording.items() if k != "calls"}, "calls": calls}
    with open(config.output, "wb") as handle:
        pickle.dump(generated, handle, protocol=PICKLE_PROTOCOL)
    tally.replayed = len(calls)


def _draw(strategy: Any, config: GenerateConfig, drawn: list[bytes], tally: Tally) -> None:
    seen: set[bytes] = set()

    def keep(example: Any) -> None:
        blob = freeze(example)
        if blob is None:
            tally.skipped += 1
        elif blob not in seen and len(drawn) < config.examples:
            seen.add(blob)
            drawn.append(blob)

    run = settings(
        max_examples=config.examples,
        deadline=None,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )(seed(config.seed)(given(strategy)(keep)))
    try:
        run()
    except BaseException as exc:  # Hypothesis giving up (unsatisfiable strategies)
        tally.note = f"Hypothesis stopped early: {type(exc).__name__}: {str(exc)[:300]}"
