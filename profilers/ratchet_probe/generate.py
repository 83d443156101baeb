"""Mode "generate": Hypothesis inputs shaped like the recorded ones, original against candidate.

The original module's source runs as a private sibling of the candidate's module, so both live
in one process; every drawn input runs on fresh copies through both, and the first difference
is shrunk by Hypothesis. With strategies.py, the only probe modules that import anything outside
the standard library, so they are imported only when a generation runs.
"""

from __future__ import annotations

import sys
import time
import types
from collections.abc import Callable
from typing import Any

from hypothesis import HealthCheck, Phase, given, reject, settings

from .calls import Difference, Outcome, compare_outcomes, mismatch, run_call
from .protocol import GenerateConfig
from .replay import Recording, Tally, import_target
from .strategies import call_strategy
from .values import describe_arguments, freeze

ORIGINAL_PREFIX = "_ratchet_original_"


def load_original(path: str, module_name: str) -> types.ModuleType:
    """The original module's source, executed as a sibling of the candidate module under a
    private name: relative imports and __file__ resolve as they did for the original."""
    candidate = sys.modules[module_name]
    package = candidate.__package__ or ""
    leaf = module_name.rpartition(".")[2]
    private = f"{package}.{ORIGINAL_PREFIX}{leaf}" if package else ORIGINAL_PREFIX + leaf
    module = types.ModuleType(private)
    module.__file__ = getattr(candidate, "__file__", None) or path
    module.__package__ = package
    sys.modules[private] = module
    with open(path, "rb") as handle:
        source = handle.read()
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module


def follow(module: types.ModuleType, attributes: list[str]) -> Callable[..., Any]:
    owner: Any = module
    for name in attributes[:-1]:
        owner = getattr(owner, name)
    raw = vars(owner)[attributes[-1]]
    return raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw


def stable_outcome(
    original: Callable[..., Any],
    blob: bytes | None,
    limit: float,
    tolerance: float,
    parameters: list[str],
) -> tuple[bytes, Outcome] | None:
    """What the original does on the input, if it does it twice the same way within the limit."""
    if blob is None:
        return None
    first = run_call(original, blob, limit)
    if first.kind == "timeout":
        return None
    again = run_call(original, blob, limit)
    return None if compare_outcomes(first, again, tolerance, {}, parameters) else (blob, first)


def generate_calls(config: GenerateConfig, recording: Recording, tally: Tally) -> None:
    """Draw inputs, run the original and the candidate on copies of each, stop at the first
    difference and let Hypothesis shrink it; inputs on which the original is unstable or too
    slow are skipped."""
    candidate, module_name, attributes = import_target(recording["target"])
    original_module = load_original(config.original, module_name)
    original = follow(original_module, attributes)
    twins = {original_module.__name__: module_name}
    strategy = call_strategy(recording, candidate)
    if strategy is None:
        tally.note = "no input could be generated: no replayable recorded call and no annotations of builtin types"
        return
    search = Search(config, original, candidate, twins, recording.get("parameters", []))
    run = settings(
        max_examples=config.max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )(given(strategy)(search.check))
    try:
        run()
    except BaseException as exc:  # Different, or Hypothesis giving up (unsatisfiable, flaky)
        if search.found is None:
            tally.note = f"Hypothesis stopped early: {type(exc).__name__}: {str(exc)[:300]}"
    tally.replayed, tally.skipped = search.examples, search.skipped
    if search.found is not None:
        drawn, found = search.found
        tally.total = 1
        tally.mismatches = [mismatch(search.first or 0, "", describe_arguments(*drawn), found)]


class Different(Exception):
    """A generated input on which the candidate and the original differ."""


class Search:
    """The property Hypothesis checks: the candidate does what the original does, within the
    time budget (searching until `seconds`, shrinking until twice that)."""

    def __init__(
        self,
        config: GenerateConfig,
        original: Callable[..., Any],
        candidate: Callable[..., Any],
        twins: dict[str, str],
        parameters: list[str],
    ) -> None:
        self.tolerance, self.limit = config.float_tolerance, config.call_timeout
        self.original, self.candidate = original, candidate
        self.twins, self.parameters = twins, parameters
        now = time.monotonic()
        self.stop, self.hard_stop = now + config.seconds, now + 2 * config.seconds
        self.examples = self.skipped = 0
        self.first: int | None = None
        self.found: tuple[Any, Difference] | None = None

    def check(self, drawn: tuple[tuple[Any, ...], dict[str, Any]]) -> None:
        searching = self.first is None
        if time.monotonic() > (self.stop if searching else self.hard_stop):
            return
        expected = stable_outcome(
            self.original, freeze(drawn), self.limit, self.tolerance, self.parameters
        )
        if expected is None:
            self.skipped += searching
            reject()
            return
        blob, before = expected
        actual = run_call(self.candidate, blob, max(self.limit, 10 * before.duration))
        self.examples += searching
        found = compare_outcomes(before, actual, self.tolerance, self.twins, self.parameters)
        if found is not None:
            self.first = self.examples if searching else self.first
            self.found = (drawn, found)
            raise Different()
