"""Collapsed stacks in, the repository's functions ranked out: pure, on small texts."""

from __future__ import annotations

import pytest

from profilers.hotspots import (
    Frame,
    Stack,
    is_repo_code,
    lines_per_function,
    module_name,
    parse_collapsed,
    rank_hotspots,
)

ROOT = "/ws"
SHAPES = """\
import json


class Shape:
    def area(self):
        return helper(self)

    class Inner:
        def deep(self):
            return 1


def helper(shape):
    return json.dumps(shape)


def fact(n):
    return 1 if n < 2 else n * fact(n - 1)
"""
SOURCES = {
    "src/geo/shapes.py": SHAPES,
    "geo2/__init__.py": SHAPES,
    "tests/test_shapes.py": SHAPES,
    "geo/conftest.py": SHAPES,
    "geo/shapes_test.py": SHAPES,
    "ratchet_probe.py": SHAPES,
    ".venv/lib/python3.11/site-packages/geo/shapes.py": SHAPES,
}
MAIN = "<module> (/ws/run.py:1)"
AREA = "area (/ws/src/geo/shapes.py:6)"
HELPER = "helper (/ws/src/geo/shapes.py:14)"
DUMPS = "dumps (/usr/lib/python3.11/json/__init__.py:231)"
FACT = "fact (/ws/src/geo/shapes.py:18)"


def rank(text: str) -> dict[str, tuple[int, int]]:
    """{function: (self samples, total samples)}"""
    ranked = rank_hotspots(parse_collapsed(text), ROOT, SOURCES)
    return {h.function: (h.self_samples, h.total_samples) for h in ranked}


def names(text: str) -> list[str]:
    return [h.function for h in rank_hotspots(parse_collapsed(text), ROOT, SOURCES)]


def test_frames_are_read_root_first_with_their_count() -> None:
    assert parse_collapsed(f"{MAIN};{AREA} 7\n") == [
        Stack((Frame("<module>", "/ws/run.py", 1), Frame("area", "/ws/src/geo/shapes.py", 6)), 7)
    ]


def test_a_frozen_module_frame_keeps_its_file_and_line() -> None:
    assert parse_collapsed("_run_code (<frozen runpy>:88) 1")[0].frames == (
        Frame("_run_code", "<frozen runpy>", 88),
    )


def test_a_frame_without_a_line_number_keeps_its_file() -> None:
    assert parse_collapsed("<module> (busy.py);spin (busy.py) 3")[0].frames[1] == Frame(
        "spin", "busy.py"
    )


def test_a_label_without_a_file_is_a_bare_frame() -> None:
    assert parse_collapsed('process 12:"python x.py";<module> (x.py:1) 2')[0].frames[0] == Frame(
        'process 12:"python x.py"'
    )


def test_a_line_without_frames_is_an_empty_stack_that_still_counts() -> None:
    assert parse_collapsed(" 88\n") == [Stack((), 88)]


def test_lines_without_a_count_are_skipped() -> None:
    assert parse_collapsed("py-spy> Wrote raw data\n\nf (a.py:1) x\n") == []


def test_module_names_drop_src_and_init() -> None:
    assert [module_name(p) for p in ("src/geo/shapes.py", "geo2/__init__.py", "top.py")] == [
        "geo.shapes",
        "geo2",
        "top",
    ]


def test_a_method_of_a_nested_class_gets_its_dotted_name() -> None:
    assert names("deep (/ws/src/geo/shapes.py:10) 1") == ["geo.shapes.Shape.Inner.deep"]


def test_a_package_init_is_named_after_its_package() -> None:
    assert names("area (/ws/geo2/__init__.py:6) 1") == ["geo2.Shape.area"]


def test_a_hotspot_points_at_its_def_line_in_the_repo_relative_file() -> None:
    hotspot = rank_hotspots(parse_collapsed(f"{HELPER} 1"), ROOT, SOURCES)[0]
    assert (hotspot.file, hotspot.line) == ("src/geo/shapes.py", 13)


def test_recursion_counts_a_sample_once_in_total() -> None:
    assert rank(f"{MAIN};{FACT};{FACT};{FACT} 3") == {"geo.shapes.fact": (3, 3)}


def test_time_in_a_stdlib_callee_is_the_repo_callers_self_time() -> None:
    assert rank(f"{MAIN};{AREA};{HELPER};{DUMPS} 5") == {
        "geo.shapes.Shape.area": (0, 5),
        "geo.shapes.helper": (5, 5),
    }


def test_tests_conftest_site_packages_and_the_probe_are_not_repo_code() -> None:
    stacks = [
        "test_area (/ws/tests/test_shapes.py:6) 1",
        "area (/ws/geo/conftest.py:6) 1",
        "area (/ws/geo/shapes_test.py:6) 1",
        "area (/ws/ratchet_probe.py:6) 1",
        "area (/ws/.venv/lib/python3.11/site-packages/geo/shapes.py:6) 1",
    ]
    assert rank("\n".join(stacks)) == {}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("pkg/test/helpers.py", False),  # under a test folder: test code
        ("tests/data/gen.py", False),
        ("testing/helpers.py", True),  # protected from candidates, but still profiled
        ("benchmarks/helpers.py", True),
        ("pkg/contest.py", True),
    ],
)
def test_repo_code_is_what_the_layout_does_not_call_test_code(path: str, expected: bool) -> None:
    assert is_repo_code(path) is expected


def test_files_outside_the_root_or_the_sources_are_skipped() -> None:
    assert rank("area (/elsewhere/src/geo/shapes.py:6) 1\nf (/ws/unknown.py:3) 1") == {}


def test_relative_paths_are_relative_to_the_root() -> None:
    assert names("area (src/geo/shapes.py:6) 1") == ["geo.shapes.Shape.area"]


def test_module_level_lines_map_to_no_function() -> None:
    assert rank("<module> (/ws/src/geo/shapes.py:1) 4") == {}


def test_shares_are_of_all_samples_including_other_code() -> None:
    hotspot = rank_hotspots(parse_collapsed(f"{MAIN} 3\n{MAIN};{AREA} 1"), ROOT, SOURCES)[0]
    assert (hotspot.self_share, hotspot.total_share) == (0.25, 0.25)


def test_most_total_time_comes_first_then_most_self_time_then_name() -> None:
    text = f"{MAIN};{AREA};{HELPER} 2\n{MAIN};{FACT} 3"
    assert names(text) == ["geo.shapes.fact", "geo.shapes.helper", "geo.shapes.Shape.area"]


def test_ties_go_by_name() -> None:
    text = f"{HELPER} 1\n{FACT} 1\n{AREA} 1"
    assert names(text) == ["geo.shapes.Shape.area", "geo.shapes.fact", "geo.shapes.helper"]


def test_a_file_that_does_not_parse_maps_to_nothing() -> None:
    hotspots = rank_hotspots(parse_collapsed("f (/ws/bad.py:1) 1"), ROOT, {"bad.py": "def f(:\n"})
    assert hotspots == []


def counted(text: str) -> dict[str, int]:
    """{function: lines} of a counted run's one-frame stacks"""
    lines = lines_per_function(parse_collapsed(text), ROOT, SOURCES)
    return {definition.name: n for (_, definition), n in lines.items()}


def test_counted_lines_go_to_the_innermost_def_around_them() -> None:
    text = f"{AREA} 4\ndeep (/ws/src/geo/shapes.py:10) 2\n{HELPER} 1"
    assert counted(text) == {
        "geo.shapes.Shape.area": 4,
        "geo.shapes.Shape.Inner.deep": 2,
        "geo.shapes.helper": 1,
    }


def test_the_lines_of_one_function_add_up() -> None:
    assert counted(f"fact (/ws/src/geo/shapes.py:17) 3\n{FACT} 5") == {"geo.shapes.fact": 8}


def test_module_level_test_and_library_lines_count_for_no_function() -> None:
    lines = [
        "<module> (/ws/src/geo/shapes.py:1) 9",
        "test_area (/ws/tests/test_shapes.py:6) 9",
        "dumps (/usr/lib/python3.11/json/__init__.py:231) 9",
    ]
    assert counted("\n".join(lines)) == {}


def test_a_function_whose_lines_ran_is_a_hotspot_even_without_samples() -> None:
    lines = lines_per_function(parse_collapsed(f"{HELPER} 7"), ROOT, SOURCES)
    ranked = rank_hotspots(parse_collapsed(f"{MAIN};{AREA} 2"), ROOT, SOURCES, lines)
    assert {(h.function, h.self_samples, h.lines) for h in ranked} == {
        ("geo.shapes.Shape.area", 2, 0),
        ("geo.shapes.helper", 0, 7),
    }


def test_lines_alone_give_hotspots_with_no_share_of_time() -> None:
    lines = lines_per_function(parse_collapsed(f"{HELPER} 7"), ROOT, SOURCES)
    [hotspot] = rank_hotspots([], ROOT, SOURCES, lines)
    assert (hotspot.lines, hotspot.self_share, hotspot.total_share) == (7, 0.0, 0.0)
