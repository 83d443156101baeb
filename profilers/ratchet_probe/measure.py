"""Mode "measure": a warm-up pass over the selected tests, then the measured pass.

In the measured pass the heap is perturbed, gc is collected then disabled, and the counter runs
only inside the outermost calls of the target (recursion counted once).
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from .counters import fingerprint, make_counter
from .plugin import tryfirst
from .protocol import MeasureConfig, MeasureResult, write_result
from .targets import install


class MeasurePlugin:
    def __init__(self, config: MeasureConfig, output: str) -> None:
        self.config = config
        self.output = output
        self.counter = make_counter(config.counter, config.callgrind_out)
        self.measuring = False
        self.calls = 0
        self.outcomes = {"passed": 0, "failed": 0, "skipped": 0}
        self.errors: list[str] = []
        self.ballast: list[bytearray] = []

    def pytest_configure(self, config: Any) -> None:
        try:
            install(self.config.target, self._wrapper)
        except LookupError as exc:
            self.errors.append(str(exc))

    def _wrapper(self, function: Callable[..., Any]) -> Callable[..., Any]:
        depth = [0]
        counter = self.counter
        inside = getattr(counter, "run_inside", None)

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if depth[0] or not self.measuring:
                return function(*args, **kwargs)
            depth[0] += 1
            self.calls += 1
            try:
                if inside is not None:
                    return inside(lambda: function(*args, **kwargs))
                counter.enter()
                try:
                    return function(*args, **kwargs)
                finally:
                    counter.leave()
            finally:
                depth[0] -= 1

        return wrapper

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.failed:
            self.outcomes["failed"] += 1
        elif report.when == "call" and report.passed:
            self.outcomes["passed"] += 1
        elif report.skipped:
            self.outcomes["skipped"] += 1

    @tryfirst
    def pytest_runtestloop(self, session: Any) -> Any:
        if session.config.option.collectonly or session.testsfailed:
            return None  # collection errors: let pytest report them as usual
        run_items(session)
        self.begin_measured_pass()
        try:
            run_items(session)
        finally:
            self.write(self.end_measured_pass())
        return True

    def begin_measured_pass(self) -> None:
        self.calls = 0
        self.outcomes = dict.fromkeys(self.outcomes, 0)
        perturbation = self.config.perturbation
        self.ballast = [bytearray(16 + (i * 37) % 509) for i in range(perturbation * 1009)]
        gc.collect()
        gc.disable()
        self.counter.begin()
        self.measuring = True

    def end_measured_pass(self) -> int | None:
        self.measuring = False
        value = self.counter.end()
        gc.enable()
        return value

    def write(self, value: int | None) -> None:
        counter = self.counter
        result = MeasureResult(
            calls=self.calls,
            value=value,
            counter=counter.name,
            unit=counter.unit,
            impl=counter.impl,
            fingerprint=fingerprint(counter, self.config.salt),
            passed=self.outcomes["passed"],
            failed=self.outcomes["failed"],
            skipped=self.outcomes["skipped"],
            errors=tuple(self.errors),
        )
        write_result(self.output, "measure", result)


def run_items(session: Any) -> None:
    """One pass over the selected tests, as pytest's own loop runs them."""
    items = session.items
    for index, item in enumerate(items):
        following = items[index + 1] if index + 1 < len(items) else None
        item.config.hook.pytest_runtest_protocol(item=item, nextitem=following)
        if session.shouldfail or session.shouldstop:
            break
