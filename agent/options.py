"""The option objects the commands hand down, built from the resolved `Settings`: the one place
where a knob leaves the configuration and becomes a frozen value inside.

    settings = resolve(...)                         # agent/config.py, in the CLI
    gate_options(settings)       -> GateOptions     # the gate's thresholds
    verify_options(settings)     -> VerifyOptions   # ratchet verify
    optimize_options(settings, selection) -> OptimizeOptions
    profile_options(settings, functions, command) -> ProfileOptions

What to work on (the selection) comes from the command line alone; see agent/config.py for why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .config import Settings
from .gate import GateOptions
from .profiling import ProfileOptions
from .verify import VerifyOptions

if TYPE_CHECKING:  # agent.optimize pulls in LangGraph and the LLM client: only optimize pays
    from .optimize import OptimizeOptions


@dataclass(frozen=True)
class Selection:
    """Which functions `ratchet optimize` works on: at most one of the names, a file (and a line
    in it), the functions changed since `base`, or every tested one; none: the hottest."""

    functions: tuple[str, ...] = ()
    file: str | None = None
    line: int | None = None
    changed: bool = False
    base: str = "HEAD"
    every: bool = False


def gate_options(settings: Settings) -> GateOptions:
    return GateOptions(
        min_gain=settings.min_gain,
        float_tolerance=settings.float_tolerance,
        generate_examples=settings.generate_examples,
        generate_seed=settings.generate_seed,
        allow_state=settings.allow_state,
        measure_exclude=settings.measure_exclude,
        timeout_multiple=settings.timeout_multiple,
        timeout_floor=settings.timeout_floor,
    )


def verify_options(settings: Settings) -> VerifyOptions:
    return VerifyOptions(gate_options(settings), settings.counter, settings.runs)


def optimize_options(settings: Settings, selection: Selection) -> OptimizeOptions:
    from .optimize import OptimizeOptions

    return OptimizeOptions(
        functions=selection.functions,
        file=selection.file,
        line=selection.line,
        changed=selection.changed,
        base=selection.base,
        every=selection.every,
        max_functions=settings.max_functions,
        jobs=settings.jobs,
        counter=settings.counter,
        runs=settings.runs,
        gate=gate_options(settings),
    )


def profile_options(
    settings: Settings, functions: tuple[str, ...] = (), command: str | None = None
) -> ProfileOptions:
    return ProfileOptions(
        top=settings.top,
        measure=settings.measure,
        functions=functions,
        counter=settings.counter,
        rate=settings.rate,
        min_samples=settings.min_samples,
        command=command,
    )
