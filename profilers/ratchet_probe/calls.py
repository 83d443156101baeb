"""Running one call on a fresh copy of its pickled arguments, and comparing what two calls did."""

from __future__ import annotations

import io
import pickle
import signal
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from .diff import deep_diff
from .protocol import MismatchRecord
from .values import (
    MISSING,
    REPR_LIMIT,
    describe_arguments,
    exception_summary,
    short_repr,
    thaw,
    type_name,
)


class CallTimeout(BaseException):
    """A replayed call ran past its time limit (a BaseException, so `except Exception` misses it)."""


class Outcome:
    """What one call did: returned or raised (or ran out of time), its arguments after, its output."""

    __slots__ = ("after", "duration", "error", "kind", "stdout", "value", "value_type")

    def __init__(self, kind: str) -> None:
        self.kind = kind  # "return" | "exception" | "timeout"
        self.value: Any = None
        self.value_type: str | None = None
        self.error: tuple[str, str] | None = None  # (type qualname, message)
        self.after: tuple[Any, Any] | None = None  # (args, kwargs) after the call
        self.stdout = ""
        self.duration = 0.0


@dataclass(frozen=True)
class Difference:
    """The first aspect in which two outcomes differ."""

    aspect: str  # "return" | "exception" | "mutation" | "stdout"
    expected: str
    actual: str
    where: str = ""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    if seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise CallTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_call(function: Callable[..., Any], blob: bytes, timeout: float) -> Outcome:
    """Call `function` on a fresh copy of the pickled (args, kwargs), capturing its stdout.

    LookupError-free: pickle errors come out as ValueError("cannot load the arguments: ...")."""
    try:
        args, kwargs = pickle.loads(blob)
    except Exception as exc:
        raise ValueError(f"cannot load the arguments: {type(exc).__name__}: {exc}") from None
    outcome = Outcome("return")
    real, buffer = sys.stdout, io.StringIO()
    start = time.perf_counter()
    try:
        sys.stdout = buffer
        with time_limit(timeout):
            try:
                outcome.value = function(*args, **kwargs)
            except CallTimeout:
                raise
            except BaseException as exc:
                kind, message = exception_summary(exc)
                outcome.kind, outcome.error = "exception", (kind, message)
    except CallTimeout:
        outcome.kind, outcome.error = "timeout", ("timeout", f"{timeout:g}s")
    finally:
        sys.stdout = real
    outcome.duration = time.perf_counter() - start
    outcome.stdout = buffer.getvalue()
    outcome.after = (args, kwargs)
    if outcome.kind == "return":
        outcome.value_type = type_name(outcome.value)
    return outcome


def recorded_outcome(call: dict[str, Any]) -> Outcome:
    """The recorded call as an Outcome; its values are unpickled only now, after the replay."""
    outcome = Outcome(call["outcome"])
    outcome.error = (call["exception"][0], call["exception"][1]) if call["exception"] else None
    outcome.value_type = call["value_type"]
    outcome.stdout = call["stdout"]
    outcome.value = thaw(call["value"]) if call["outcome"] == "return" else None
    after = thaw(call["after"])
    outcome.after = None if after is MISSING else after
    return outcome


def describe_outcome(outcome: Outcome) -> str:
    if outcome.kind == "return":
        if outcome.value is MISSING:
            return f"returned a {outcome.value_type} (not picklable, so compared by type only)"
        return "returned " + short_repr(outcome.value)
    if outcome.kind == "timeout":
        return f"did not return within {outcome.error[1] if outcome.error else '?'}"
    kind, message = outcome.error or ("?", "")
    return short_repr(f"raised {kind}: {message}")[1:-1] if message else f"raised {kind}"


def compare_outcomes(
    expected: Outcome,
    actual: Outcome,
    tolerance: float,
    twins: dict[str, str],
    parameters: list[str],
) -> Difference | None:
    """The first aspect that differs: return value or exception, mutation, stdout; or None."""
    if expected.kind != "return" or actual.kind != "return":
        if (expected.kind, expected.error) != (actual.kind, actual.error):
            return Difference("exception", describe_outcome(expected), describe_outcome(actual))
    elif expected.value is MISSING:
        if expected.value_type != actual.value_type:
            return Difference(
                "return", describe_outcome(expected), f"returned a {actual.value_type}"
            )
    else:
        where = deep_diff(expected.value, actual.value, tolerance, twins)
        if where is not None:
            return Difference("return", describe_outcome(expected), describe_outcome(actual), where)
    if expected.after is not None and actual.after is not None:
        where = diff_arguments(expected.after, actual.after, tolerance, twins, parameters)
        if where is not None:
            shown = describe_arguments(*expected.after), describe_arguments(*actual.after)
            return Difference("mutation", shown[0], shown[1], where)
    if expected.stdout != actual.stdout:
        where = first_difference(expected.stdout, actual.stdout)
        return Difference("stdout", short_repr(expected.stdout), short_repr(actual.stdout), where)
    return None


def diff_arguments(
    expected: tuple[Any, Any],
    actual: tuple[Any, Any],
    tolerance: float,
    twins: dict[str, str],
    parameters: list[str],
) -> str | None:
    (e_args, e_kwargs), (a_args, a_kwargs) = expected, actual
    pairs = [
        *(
            (parameters[i] if i < len(parameters) else f"argument {i}", x, y)
            for i, (x, y) in enumerate(zip(e_args, a_args))
        ),
        *((k, e_kwargs[k], a_kwargs.get(k, MISSING)) for k in e_kwargs),
    ]
    for name, x, y in pairs:
        where = deep_diff(x, y, tolerance, twins)
        if where is not None:
            return f"{name}: {where}"
    return None


def first_difference(expected: str, actual: str) -> str:
    index = next(
        (i for i, (x, y) in enumerate(zip(expected, actual)) if x != y),
        min(len(expected), len(actual)),
    )
    return (
        f"from character {index}: expected {short_repr(expected[index : index + 40])}, "
        f"got {short_repr(actual[index : index + 40])}"
    )


def mismatch(index: int, test: str, arguments: str, found: Difference) -> MismatchRecord:
    return MismatchRecord(
        index=index,
        test=test,
        aspect=found.aspect,
        arguments=arguments,
        expected=_cut(found.expected),
        actual=_cut(found.actual),
        where=found.where[:REPR_LIMIT],
    )


def _cut(text: str) -> str:
    return short_repr(text)[1:-1] if len(text) > REPR_LIMIT else text
