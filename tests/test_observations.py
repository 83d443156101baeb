"""What a call did, as the probe sees it (observe.snapshot, observe_call), and how the host
compares two of them (observations.diff_tree, compare): directly, in this process."""

from __future__ import annotations

import array
import ast
import logging
import math
import pickle
import random
import sys
import time
import types
import warnings
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from profilers.observations import Difference, compare, describe_outcome, diff_tree, show
from profilers.ratchet_probe.observe import MAX_TREE, observe_call, snapshot


def where(expected: object, actual: object, tolerance: float = 0.0) -> str | None:
    """Where two values first differ, as the host says it; None when they are the same."""
    found = diff_tree(snapshot(expected), snapshot(actual), "", tolerance)
    return None if found is None else found[1]


def observed(
    function: Callable[..., Any], *args: Any, timeout: float = 5.0, module: Any = None
) -> dict[str, Any]:
    """What the call did, after the trip through the channel (ascii out, literal_eval in)."""
    found, _ = observe_call(function, pickle.dumps((args, {})), timeout, module)
    return dict(ast.literal_eval(ascii(found)))


def difference(
    original: Callable[..., Any], candidate: Callable[..., Any], *args: Any, **options: Any
) -> Difference | None:
    tolerance = options.pop("tolerance", 0.0)
    return compare(
        observed(original, *args, **options),
        observed(candidate, *args, **options),
        tolerance,
        ["values", "other"],
    )


class Point:
    def __init__(self, x: object) -> None:
        self.x = x


class Slotted:
    __slots__ = ("__hidden", "y")

    def __init__(self, y: object, hidden: object = 0) -> None:
        self.y = y
        self.__hidden = hidden


class Tagged(list[int]):
    """A list that carries an attribute of its own."""

    tag = ""


def tagged(tag: str) -> Tagged:
    value = Tagged([1])
    value.tag = tag
    return value


# -- values: exact types all the way down ---------------------------------------------------------


@pytest.mark.parametrize(
    ("expected", "actual", "found"),
    [
        (1, 1.0, "at the top level: expected a int, got a float (1.0)"),
        (True, 1, "at the top level: expected a bool, got a int (1)"),
        ([1], (1,), "at the top level: expected a list, got a tuple"),
        ({"k": [1, 2]}, {"k": [1, 3]}, "at ['k'][1]: expected 2, got 3"),
        ({1}, {1.0}, "at [0]: expected a int, got a float (1.0)"),
        ({1, 2}, {1, 3}, "at [1]: expected 2, got 3"),
        (0.0, -0.0, "at the top level: expected 0.0, got -0.0"),
        (Point([1]), Point([2]), "at .x[0]: expected 1, got 2"),
        (Slotted(1), Slotted(2), "at .y: expected 1, got 2"),
        ([1, 2], [1, 2, 3], "at the top level: 2 items expected, 3 found"),
        (b"ab", bytearray(b"ab"), "at the top level: expected a bytes, got a bytearray (b'ab')"),
        (ValueError("x"), ValueError("y"), "at ['args'][0]: expected 'x', got 'y'"),
        (ValueError("x"), KeyError("x"), "at the top level: expected a ValueError, got a KeyError"),
    ],
)
def test_values_differ_where_the_comparison_says(
    expected: object, actual: object, found: str
) -> None:
    assert (where(expected, actual) or "").startswith(found)


def test_dict_key_order_is_behaviour() -> None:
    assert "different order" in (where({"a": 1, "b": 2}, {"b": 2, "a": 1}) or "")


def test_different_dict_keys_are_named_as_such() -> None:
    assert "different keys" in (where({"a": 1}, {"b": 1}) or "")


@pytest.mark.parametrize(
    ("expected", "actual"),
    [
        (math.nan, math.nan),
        ([math.nan, {"x": (1, "a")}], [math.nan, {"x": (1, "a")}]),
        (Point(Point(3)), Point(Point(3))),
        (frozenset({(1, 2)}), frozenset({(1, 2)})),
        ({"b", "a", "c"}, {"c", "a", "b"}),
        (ValueError("x"), ValueError("x")),
        (Slotted(1), Slotted(1)),
        (1 + 2j, 1 + 2j),
        (math.inf, math.inf),
    ],
)
def test_equal_values_have_no_difference(expected: object, actual: object) -> None:
    assert where(expected, actual) is None


def test_cycles_compare_without_recursing_forever() -> None:
    a: list[object] = []
    b: list[object] = []
    a.append(a)
    b.append(b)
    assert where(a, b) is None


def test_a_relative_tolerance_forgives_rounding_only() -> None:
    near, far = (where([0.1 + 0.2], [0.3], tolerance=t) for t in (1e-9, 1e-20))
    assert (near, far is not None) == (None, True)


def test_without_a_tolerance_floats_are_exact() -> None:
    assert where(0.1 + 0.2, 0.3) == "at the top level: expected 0.30000000000000004, got 0.3"


def test_a_tolerance_does_not_make_nan_equal_to_a_number() -> None:
    assert where(math.nan, 1.0, tolerance=0.5) is not None


def test_a_tolerance_forgives_the_sign_of_zero_as_the_old_comparison_did() -> None:
    """deep_diff accepted 0.0 against -0.0 once a tolerance was given (a rounding artefact);
    _same_float now compares the sign whatever the tolerance (observations.py)."""
    assert where(0.0, -0.0, tolerance=1e-9) is None


def test_private_slots_are_compared_too() -> None:
    """__slots__ names are stored mangled (_Slotted__hidden); observe._slots looks them up
    unmangled, so hasattr() is False and the slot is left out of the snapshot."""
    assert where(Slotted(1, hidden=1), Slotted(1, hidden=2)) is not None


def test_attributes_of_a_container_subclass_are_compared() -> None:
    """deep_diff compared a container's own attributes after its items; the snapshot of a list
    subclass keeps its items only."""
    assert where(tagged("a"), tagged("b")) is not None


def test_a_value_shown_by_its_repr_differs_past_two_thousand_characters() -> None:
    """observe._repr cuts reprs at 2,000 characters: two arrays that differ only in their last
    item have the same snapshot."""
    same_start = array.array("i", range(1000)), array.array("i", [*range(999), 0])
    assert where(*same_start) is not None


# -- identity: the caller's own objects ------------------------------------------------------------


def test_returning_the_callers_own_list_differs_from_returning_an_equal_new_one() -> None:
    found = difference(lambda values: list(values), lambda values: values, [1, 2])
    assert found is not None and (found.aspect, found.where.startswith("values")) == (
        "identity",
        True,
    )


def test_identity_differs_the_other_way_round_too() -> None:
    found = difference(lambda values: values, lambda values: list(values), [1, 2])
    assert found is not None and found.aspect == "identity"


def test_shared_rows_differ_from_distinct_rows() -> None:
    found = difference(lambda n: [[0] for _ in range(n)], lambda n: [[0]] * n, 2)
    assert found is not None and found.aspect == "identity"


def test_returning_the_callers_own_list_both_times_is_the_same() -> None:
    assert difference(lambda values: values, lambda values: values, [1, 2]) is None


# -- large values go as digests --------------------------------------------------------------------


def test_a_large_value_is_sent_as_a_digest() -> None:
    value = observed(lambda n: list(range(n)), 5000)["value"]
    assert value[0] == "digest" and len(ascii(value)) < MAX_TREE


def test_equal_large_values_are_the_same() -> None:
    assert difference(lambda n: list(range(n)), lambda n: [*range(n)], 5000) is None


def test_large_values_that_differ_in_one_item_differ() -> None:
    found = difference(lambda n: list(range(n)), lambda n: [*range(n - 1), 0], 5000)
    assert found is not None and found.aspect == "return"


def test_a_large_value_differs_from_a_small_one() -> None:
    found = difference(lambda n: list(range(n)), lambda n: [], 5000)
    assert found is not None and found.aspect == "return"


# -- each aspect of a call -------------------------------------------------------------------------


def parse(text: str) -> int:
    if not text.isdigit():
        raise ValueError(f"not a number: {text!r}")
    return int(text)


def parse_type_error(text: str) -> int:
    if not text.isdigit():
        raise TypeError(f"not a number: {text!r}")
    return int(text)


def parse_other_message(text: str) -> int:
    if not text.isdigit():
        raise ValueError("bad")
    return int(text)


def test_raising_another_exception_type_differs() -> None:
    assert difference(parse, parse_type_error, "x") == Difference(
        "exception", "raised ValueError: not a number: 'x'", "raised TypeError: not a number: 'x'"
    )


def test_raising_with_another_message_differs() -> None:
    found = difference(parse, parse_other_message, "x")
    assert found is not None and (found.aspect, found.actual) == (
        "exception",
        "raised ValueError: bad",
    )


def test_returning_instead_of_raising_differs() -> None:
    found = difference(parse, lambda text: 0, "x")
    assert found is not None and (found.aspect, found.actual) == ("exception", "returned 0")


def test_running_out_of_time_differs() -> None:
    found = difference(lambda: None, lambda: time.sleep(5), timeout=0.2)
    assert found is not None and (found.aspect, found.actual) == (
        "exception",
        "did not return within 0.2s",
    )


def test_a_wrong_result_differs_and_says_what_was_returned() -> None:
    found = difference(lambda n: n + 1, lambda n: n + 2, 1)
    assert found is not None and (found.aspect, found.expected, found.actual) == (
        "return",
        "returned 2",
        "returned 3",
    )


def test_mutating_an_argument_differs() -> None:
    found = difference(lambda values: None, lambda values: values.append(3), [1, 2])
    assert found is not None and (found.aspect, found.where) == (
        "mutation",
        "values, at the top level: 2 items expected, 3 found",
    )


def tell(*lines: str) -> Callable[[], None]:
    def told() -> None:
        for line in lines:
            print(line)

    return told


def warn(*messages: str) -> Callable[[], None]:
    def warned() -> None:
        for message in messages:
            warnings.warn(message, stacklevel=1)

    return warned


def log(*messages: str) -> Callable[[], None]:
    def logged() -> None:
        for message in messages:
            logging.getLogger("calc").warning("%s!", message)

    return logged


def test_printing_something_else_differs() -> None:
    found = difference(tell("hello ann"), tell("hello, ann"))
    assert found is not None and (found.aspect, found.expected, found.actual) == (
        "stdout",
        "'hello ann\\n'",
        "'hello, ann\\n'",
    )


def test_printing_to_stderr_differs() -> None:
    found = difference(lambda: None, lambda: print("oops", file=sys.stderr))
    assert found is not None and found.aspect == "stderr"


def test_another_warning_differs() -> None:
    found = difference(warn("old"), warn("new"))
    assert found is not None and (found.aspect, found.actual) == ("warnings", "UserWarning: new")


def test_another_log_record_differs() -> None:
    found = difference(log("a"), log("a", "b"))
    assert found is not None and (found.aspect, found.actual) == (
        "logs",
        "calc: WARNING: a!; calc: WARNING: b!",
    )


@pytest.fixture
def kept_random_state() -> Iterator[None]:
    state = random.getstate()
    yield
    random.setstate(state)


@pytest.mark.usefixtures("kept_random_state")
def test_changing_the_random_state_differs() -> None:
    found = difference(lambda: None, lambda: random.seed(5))
    assert found is not None and (found.aspect, found.where) == ("state", "random state")


def test_rebinding_a_module_global_differs() -> None:
    module = types.ModuleType("calc_state")
    exec(
        "cache = {}\ndef plain():\n    pass\ndef caching():\n    global cache\n    cache = {1: 2}\n",
        vars(module),
    )
    found = difference(module.plain, module.caching, module=module)
    assert found is not None and (found.aspect, found.actual) == (
        "state",
        "rebound the module globals cache",
    )


def test_the_same_behaviour_has_no_difference() -> None:
    assert difference(tell("a"), tell("a")) is None


# -- showing trees to people ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ((1, "a", None), "(1, 'a', None)"),
        pytest.param((1,), "(1,)", id="a one-tuple keeps its comma"),
        ({"k": [1.5, b"x"]}, "{'k': [1.5, b'x']}"),
        (Point(2), "tests.test_observations.Point(x=2)"),
        (list(range(20)), "[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, ...]"),
    ],
)
def test_a_tree_is_shown_like_its_value(value: object, shown: str) -> None:
    assert show(snapshot(value)) == shown


def test_an_outcome_is_a_sentence_fragment() -> None:
    assert describe_outcome(observed(parse, "12")) == "returned 12"
