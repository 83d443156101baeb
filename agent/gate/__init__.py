"""The gate: the only way a rewrite gets accepted.

    take_baseline(session, meter, target, options) -> Baseline     once per target
    check_candidate(Context(session, meter, baseline, options), text) -> Verdict

Steps, cheapest first; the first failing one decides (see verdict.STEPS):
apply (the rewrite engine), screen (static: no exits, no test framework, no patching, no state
across calls), import, tests (those that call the target), suite (exactly the baseline's passing
set, nothing cut short or tampered with, no test file written), behaviour (recorded calls
replayed with the tests hidden), generated (Hypothesis inputs, original against candidate),
efficiency (instruction counts, profilers.compare's rule).
"""

from .baseline import Baseline, GateOptions, take_baseline
from .gate import check_candidate, check_change, check_on_host
from .steps import Context
from .target import Change, GateError, Target, apply_candidate, find_target, module_change
from .verdict import STEPS, Verdict

__all__ = [
    "STEPS",
    "Baseline",
    "Change",
    "Context",
    "GateError",
    "GateOptions",
    "Target",
    "Verdict",
    "apply_candidate",
    "check_candidate",
    "check_change",
    "check_on_host",
    "find_target",
    "module_change",
    "take_baseline",
]
