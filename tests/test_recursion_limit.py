"""Recording and measuring do not change what is measured: a wrapper lifts the recursion limit by
the frames it costs, so a repository whose test nests close to the default limit (tomli parses 470
nested arrays) gets a baseline and a verdict, and RecursionError comes at the depth it comes at
without Ratchet."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from profilers.ratchet_probe.targets import Lift
from tests.test_cli import verify_json

SLOW = '''def depth(value):
    """How deeply lists nest in value (0 for anything that is not a list)."""
    if not isinstance(value, list):
        return 0
    deepest = 0
    for item in value:
        inner = depth(item)
        if inner > deepest:
            deepest = inner
    return deepest + 1
'''
FAST = '''def depth(value):
    """How deeply lists nest in value (0 for anything that is not a list)."""
    if not isinstance(value, list):
        return 0
    deepest = 0
    for item in value:
        if isinstance(item, list):  # anything else is 0: no call needed
            inner = depth(item)
            if inner > deepest:
                deepest = inner
    return deepest + 1
'''
TESTS = """import sys

from nest.depth import depth


def nested(levels):
    value = []
    for _ in range(levels - 1):
        value = [value]
    return value


def test_flat_values():
    assert (depth(3), depth([]), depth([1, [2, [3]], 4])) == (0, 1, 3)


def test_wide():
    assert depth([[list(range(40))] * 30] * 30) == 3


def test_deep_nesting_under_the_default_limit():
    assert sys.getrecursionlimit() == 1000
    assert depth(nested(600)) == 600
"""


def nest_repo(root: Path) -> Path:
    (root / "nest").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "nest" / "__init__.py").write_text('"""Nesting depth."""\n')
    (root / "nest" / "depth.py").write_text(SLOW)
    (root / "tests" / "test_depth.py").write_text(TESTS)
    return root


def wrapped(levels: int) -> int:
    with Lift(1):  # the frame this wrapper costs on top of inner's
        return inner(levels)


def inner(levels: int) -> int:
    return 0 if levels == 0 else 1 + wrapped(levels - 1)


def plain(levels: int) -> int:
    return 0 if levels == 0 else 1 + plain(levels - 1)


def reach() -> int:
    """How deep plain recursion goes from here before RecursionError."""
    low, high = 0, sys.getrecursionlimit()
    while low < high:  # the deepest `levels` plain() survives
        middle = (low + high + 1) // 2
        try:
            plain(middle)
            low = middle
        except RecursionError:
            high = middle - 1
    return low


def test_a_lifted_wrapper_meets_recursion_error_where_the_plain_code_does() -> None:
    deepest = reach()
    assert wrapped(deepest - 2) == deepest - 2  # __enter__ costs a frame of its own, briefly
    with pytest.raises(RecursionError):
        wrapped(deepest + 2)


def test_the_limit_is_back_after_a_recursion_error() -> None:
    limit = sys.getrecursionlimit()
    for _ in range(3):
        with pytest.raises(RecursionError):
            wrapped(limit + 50)
    assert sys.getrecursionlimit() == limit


def test_a_change_the_code_made_to_the_limit_stays() -> None:
    limit = sys.getrecursionlimit()
    try:
        with Lift(2):
            sys.setrecursionlimit(sys.getrecursionlimit() + 100)
        assert sys.getrecursionlimit() == limit + 100
    finally:
        sys.setrecursionlimit(limit)


@pytest.mark.parametrize("box", ["local", pytest.param("docker", marks=pytest.mark.docker)])
def test_a_repo_with_a_recursion_limit_test_gets_a_verdict(
    box: str, tmp_path: Path, cache_dir: Path
) -> None:
    verdict, run = verify_json(
        nest_repo(tmp_path / "nest"), "nest.depth.depth", FAST, box, cache_dir
    )
    assert (verdict["verdict"], verdict["step"]) == ("accepted", "efficiency"), run.stdout[-3000:]
