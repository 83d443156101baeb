"""Mode "callers": which tests call each target, and how often."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .plugin import tryfirst
from .protocol import CallersConfig, CallersResult, write_result
from .targets import Lift, install


class CallersPlugin:
    def __init__(self, config: CallersConfig, output: str) -> None:
        self.targets = config.targets
        self.output = output
        self.calls = dict.fromkeys(config.targets, 0)
        self.callers: dict[str, list[str]] = {target: [] for target in config.targets}
        self.benchmarks: list[str] = []  # tests that use pytest-benchmark's fixture
        self.errors: list[str] = []
        self.current_test = ""

    def pytest_configure(self, config: Any) -> None:
        for target in self.targets:
            try:
                install(target, functools.partial(self._wrapper, target))
            except LookupError as exc:
                self.errors.append(str(exc))

    def _wrapper(self, target: str, function: Callable[..., Any]) -> Callable[..., Any]:
        depth = [0]

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if depth[0]:
                with Lift(1):
                    return function(*args, **kwargs)
            depth[0] += 1
            self._note_call(target)
            try:
                with Lift(1):
                    return function(*args, **kwargs)
            finally:
                depth[0] -= 1

        return wrapper

    def _note_call(self, target: str) -> None:
        self.calls[target] += 1
        callers = self.callers[target]
        if self.current_test and self.current_test not in callers:
            callers.append(self.current_test)

    def pytest_runtest_setup(self, item: Any) -> None:
        self.current_test = item.nodeid
        fixtures = getattr(item, "fixturenames", ())
        if "benchmark" in fixtures and item.nodeid not in self.benchmarks:
            self.benchmarks.append(item.nodeid)

    @tryfirst
    def pytest_sessionfinish(self, session: Any, exitstatus: Any) -> None:
        result = CallersResult(
            calls=self.calls,
            callers={target: tuple(tests) for target, tests in self.callers.items()},
            benchmarks=tuple(self.benchmarks),
            errors=tuple(self.errors),
        )
        write_result(self.output, "callers", result)
