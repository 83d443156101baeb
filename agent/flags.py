"""The command line's options for the Settings knobs, made from the Settings fields themselves.

A knob's flag, type, choices, help, range and default all come from its field in agent/config.py,
so `--min-gain`, `min_gain` in [tool.ratchet] and RATCHET_MIN_GAIN cannot drift apart. A flag
left out is None, and the lower layers show through; the range is checked once, by Settings, for
every layer alike. A bool knob is a switch with no value, `--allow-state/--no-allow-state`, so a
flag can turn off what pyproject.toml or the environment turned on.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import annotated_types as at
import click
from pydantic.fields import FieldInfo

from .config import Settings, flag_name

F = TypeVar("F", bound=Callable[..., Any])
# The knobs each command offers as flags (the others are set in pyproject.toml or RATCHET_*).
SANDBOX_KNOBS = ("sandbox", "base_image")
GATE_KNOBS = (
    "min_gain",
    "float_tolerance",
    "counter",
    "runs",
    "generate_examples",
    "generate_seed",
    "allow_state",
)
OPTIMIZE_KNOBS = ("max_functions", "budget", "llm", "local_model", "jobs", "timeout", *GATE_KNOBS)
PROFILE_KNOBS = ("top", "measure", "counter", "rate", "min_samples", "timeout")
FLAGGED = tuple(dict.fromkeys((*SANDBOX_KNOBS, "timeout", *OPTIMIZE_KNOBS, *PROFILE_KNOBS)))


def knobs(*keys: str) -> Callable[[F], F]:
    """Options for these Settings keys, in this order in --help."""

    def decorate(command: F) -> F:
        for key in reversed(keys):
            command = knob(key)(command)
        return command

    return decorate


def knob(key: str) -> Callable[[F], F]:
    field = Settings.model_fields[key]
    switch = field.annotation is bool  # a flag pair with no value: --allow-state/--no-allow-state
    return click.option(
        f"{flag_name(key)}/{flag_name(key, False)}" if switch else flag_name(key),
        key,
        type=None if switch else _click_type(field.annotation),
        default=None,
        help=f"{field.description} [{'; '.join(_facts(key, field))}]",
    )


def path_argument() -> Callable[[F], F]:
    """PATH, the repository (default: the working folder); checked by agent.command.checked_repo,
    whose sentences say what to do, not by click."""
    return click.argument(
        "path", type=click.Path(path_type=Path, readable=False), default=".", metavar="[PATH]"
    )


def format_option(*renderings: str) -> Callable[[F], F]:
    """--format, offering these renderings and json; text first, and the default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice([*renderings, "json"]),
        default=renderings[0],
        show_default=True,
        help="Output format for stdout.",
    )


def _click_type(annotation: Any) -> Any:
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if typing.get_origin(annotation) is typing.Literal:
        return click.Choice([str(a) for a in args], case_sensitive=False)
    if args:  # an Optional: the type inside
        return _click_type(args[0])
    return click.Path(path_type=Path) if annotation is Path else annotation


def _facts(key: str, field: FieldInfo) -> list[str]:
    facts = [] if field.default in (None, ...) else [f"default: {field.default}"]
    if bounds := _bounds(field):
        facts.append(bounds)
    return [*facts, f"config: {key}"]


def _bounds(field: FieldInfo) -> str:
    """The field's range in click's notation: 2<=x<=20, x>0, 0<=x<1."""
    low = high = ""
    for rule in field.metadata:
        if isinstance(rule, at.Ge):
            low = f"{rule.ge}<="
        elif isinstance(rule, at.Gt):
            low = f"{rule.gt}<"
        elif isinstance(rule, at.Le):
            high = f"<={rule.le}"
        elif isinstance(rule, at.Lt):
            high = f"<{rule.lt}"
    if low and not high:
        return f"x{'>=' if low.endswith('<=') else '>'}{low.rstrip('<=')}"
    return f"{low}x{high}" if low or high else ""
