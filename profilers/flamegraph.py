"""Pictures of a profile: an SVG flame graph, and speedscope's JSON file format.

Both merge a function's lines: a node is a function in a file, wherever in it the samples fell.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

from .hotspots import Frame, Stack

SPEEDSCOPE_SCHEMA = "https://www.speedscope.app/file-format-schema.json"
WIDTH = 1200.0
ROW = 16  # pixels per stack level
TOP = 28  # pixels above the graph, for the title
CHAR = 7.0  # width of one 11px monospace character, rounded up
MIN_WIDTH = 0.1  # pixels; narrower nodes (and what they call) are left out


@dataclass
class _Node:
    """A function in the merged call tree, with the samples that passed through it."""

    name: str
    count: int = 0
    children: dict[str, _Node] = field(default_factory=dict)


def label(frame: Frame) -> str:
    return f"{frame.function} ({frame.file})" if frame.file else frame.function


def _build_tree(stacks: Iterable[Stack]) -> _Node:
    root = _Node("all")
    for stack in stacks:
        node = root
        node.count += stack.count
        for frame in stack.frames:
            name = label(frame)
            node = node.children.setdefault(name, _Node(name))
            node.count += stack.count
    return root


def render_svg(stacks: Iterable[Stack], title: str) -> str:
    """A self-contained flame graph: callers below their callees, width by samples."""
    stacks = list(stacks)
    depth = 1 + max((len(s.frames) for s in stacks), default=0)
    height = TOP + ROW * depth + 4
    rects = "\n".join(_layout(_build_tree(stacks), TOP + ROW * (depth - 1)))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH:g}" height="{height}" '
        f'viewBox="0 0 {WIDTH:g} {height}" font-family="monospace" font-size="11">\n'
        f"<title>{escape(title)}</title>\n"
        f'<text x="{WIDTH / 2:g}" y="18" text-anchor="middle" font-size="14">{escape(title)}</text>\n'
        f"{rects}\n</svg>\n"
    )


def _layout(root: _Node, base: int) -> Iterator[str]:
    """One rectangle per node wide enough to see; the root's row is at `base`."""
    total = root.count or 1
    todo = [(root, 0.0, base)]
    while todo:  # not recursive: deep recursion in the profiled code makes deep stacks
        node, x, y = todo.pop()
        width = WIDTH * node.count / total
        if width >= MIN_WIDTH:
            yield _rect(node, x, y, width, total)
            for child in sorted(node.children.values(), key=lambda n: n.name):
                todo.append((child, x, y - ROW))
                x += WIDTH * child.count / total


def _rect(node: _Node, x: float, y: int, width: float, total: int) -> str:
    tip = f"{node.name}: {node.count} samples ({100 * node.count / total:.2f}%)"
    fits = int((width - 6) // CHAR)
    text = node.name if len(node.name) <= fits else node.name[: fits - 2] + ".."
    shown = f'<text x="{x + 3:.1f}" y="{y + ROW - 4}">{escape(text)}</text>' if fits >= 3 else ""
    return (
        f'<g><title>{escape(tip)}</title><rect x="{x:.1f}" y="{y}" width="{width:.1f}" '
        f'height="{ROW - 1}" fill="{color(node.name)}" rx="2"/>{shown}</g>'
    )


def color(name: str) -> str:
    """A warm color that depends only on the name."""
    digest = zlib.crc32(name.encode())
    red, green, blue = 205 + digest % 50, 60 + (digest >> 8) % 170, (digest >> 16) % 60
    return f"rgb({red},{green},{blue})"


def to_speedscope(stacks: Iterable[Stack], name: str) -> dict[str, Any]:
    """A speedscope file: one sampled profile, weights in samples, frames shared."""
    index: dict[tuple[str, str | None], int] = {}
    samples, weights = [], []
    for stack in stacks:
        keys = [(f.function, f.file) for f in stack.frames]
        samples.append([index.setdefault(key, len(index)) for key in keys])
        weights.append(stack.count)
    frames = [{"name": fn, **({"file": file} if file else {})} for fn, file in index]
    profile = {
        "type": "sampled",
        "name": name,
        "unit": "none",
        "startValue": 0,
        "endValue": sum(weights),
        "samples": samples,
        "weights": weights,
    }
    return {
        "$schema": SPEEDSCOPE_SCHEMA,
        "shared": {"frames": frames},
        "profiles": [profile],
        "name": name,
        "activeProfileIndex": 0,
        "exporter": "ratchet",
    }
