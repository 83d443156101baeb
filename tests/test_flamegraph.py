"""The flame graph is valid SVG with a box per call-tree node; speedscope files are well formed."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from profilers.flamegraph import color, render_svg, to_speedscope
from profilers.hotspots import Stack, parse_collapsed

SVG = "{http://www.w3.org/2000/svg}"
# Call tree: all -> <module> -> (main -> (spin, load), helper): six nodes, since the lines of
# one function merge.
TEXT = """\
<module> (/ws/run.py:3);main (/ws/run.py:9);spin (/ws/run.py:20) 6
<module> (/ws/run.py:3);main (/ws/run.py:9);spin (/ws/run.py:21) 2
<module> (/ws/run.py:3);main (/ws/run.py:10);load (/usr/lib/python3.11/json/__init__.py:346) 1
<module> (/ws/run.py:4);helper (/ws/run.py:30) 1
"""
STACKS = parse_collapsed(TEXT)


def svg(stacks: list[Stack] = STACKS, title: str = "tests & <benchmarks>") -> ET.Element:
    return ET.fromstring(render_svg(stacks, title))


def tooltips(root: ET.Element) -> list[str]:
    return [g.findtext(f"{SVG}title") or "" for g in root.iter(f"{SVG}g")]


def test_the_svg_parses_and_has_one_rect_per_call_tree_node() -> None:
    assert len(svg().findall(f".//{SVG}rect")) == 6


def test_the_root_box_spans_the_whole_width() -> None:
    widths = [float(r.get("width", 0)) for r in svg().iter(f"{SVG}rect")]
    assert max(widths) == float(svg().get("width", 0))


def test_a_tooltip_names_the_function_and_its_share() -> None:
    assert "spin (/ws/run.py): 8 samples (80.00%)" in tooltips(svg())


def test_the_title_is_escaped_and_shown() -> None:
    assert svg().findtext(f"{SVG}title") == "tests & <benchmarks>"


def test_a_label_too_long_for_its_box_is_cut_short() -> None:
    stacks = parse_collapsed("a_rather_long_function_name (x.py:1) 1\n 11")  # 100 pixels wide
    labels = [t.text or "" for t in svg(stacks).iter(f"{SVG}text")]
    assert any(label.endswith("..") for label in labels)


def test_colors_depend_only_on_the_name() -> None:
    assert color("spin (/ws/run.py)") == color("spin (/ws/run.py)") != color("main (/ws/run.py)")


def test_rendering_is_deterministic() -> None:
    assert render_svg(STACKS, "t") == render_svg(list(reversed(STACKS)), "t")


def test_no_stacks_still_make_a_valid_svg() -> None:
    assert svg([]).findall(f".//{SVG}rect") == []


def test_a_speedscope_file_has_the_schema_keys() -> None:
    data = to_speedscope(STACKS, "tests")
    assert {"$schema", "shared", "profiles"} <= data.keys()


def test_a_speedscope_profile_is_sampled_with_its_required_keys() -> None:
    profile = to_speedscope(STACKS, "tests")["profiles"][0]
    keys = {"type", "name", "unit", "startValue", "endValue", "samples", "weights"}
    assert (profile["type"], keys <= profile.keys()) == ("sampled", True)


def test_speedscope_weights_add_up_to_every_sample() -> None:
    profile = to_speedscope(STACKS, "tests")["profiles"][0]
    assert sum(profile["weights"]) == profile["endValue"] == 10


def test_speedscope_frames_are_shared_between_samples() -> None:
    data = to_speedscope(STACKS, "tests")
    assert len(data["shared"]["frames"]) == 5


def test_speedscope_samples_point_at_frames_root_first() -> None:
    data = to_speedscope(STACKS, "tests")
    frames = data["shared"]["frames"]
    assert [frames[i]["name"] for i in data["profiles"][0]["samples"][0]] == [
        "<module>",
        "main",
        "spin",
    ]


def test_a_speedscope_file_is_json() -> None:
    assert json.loads(json.dumps(to_speedscope(STACKS, "tests")))["name"] == "tests"


def test_a_stack_deeper_than_the_recursion_limit_renders() -> None:
    deep = parse_collapsed(";".join(f"f{i} (x.py:{i})" for i in range(3000)) + " 1")
    assert len(svg(deep).findall(f".//{SVG}rect")) == 3001
