"""What a command prints for machines and people: one result, rendered in the chosen --format.

    emit(report, "markdown", text=render_text, markdown=render_markdown)

Every result has a JSON form (`to_json()`, with its "version"); the other formats are the
renderers a command offers. Results go to stdout; progress and logs go to stderr.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import click


class Result(Protocol):
    def to_json(self) -> dict[str, Any]: ...


R = TypeVar("R", bound=Result)


def render(result: R, fmt: str, **renderers: Callable[[R], str]) -> str:
    """The result in format `fmt`: JSON from its `to_json()`, anything else from its renderer."""
    if fmt == "json":
        return json.dumps(result.to_json(), indent=2)
    if fmt not in renderers:
        raise ValueError(f"no {fmt} rendering here; choose json or {', '.join(renderers)}")
    return renderers[fmt](result)


def emit(result: R, fmt: str, **renderers: Callable[[R], str]) -> None:
    """Print the result to stdout in format `fmt`, ending in exactly one newline (nothing when
    the rendering is empty)."""
    if text := render(result, fmt, **renderers):
        click.echo(text, nl=not text.endswith("\n"))
