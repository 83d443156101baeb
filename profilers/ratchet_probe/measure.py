"""Mode "measure": a warm-up pass over the selected tests, then the measured pass.

In the measured pass the heap is perturbed, gc is collected then disabled, and the counter runs
only inside the outermost calls of the target (recursion counted once). After each outermost
call of the measured pass, a digest of what it returned (or raised) and of its arguments
afterwards goes out on the channel, outside the counted region: the host compares them with the
unchanged code's, so code that behaves differently while measured is caught. The count itself
is never read in this process: callgrind writes it when the process has ended, and the host
reads it (perf and bytecode counts, which only this process can see, are sent as the result).

With `passes` = 1 the measured pass is the only one (a cold process): the whole-process count.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import Any

from .channel import send
from .counters import fingerprint, make_counter
from .observe import digest, snapshot
from .plugin import tryfirst
from .protocol import MeasureConfig, MeasureResult, write_result
from .suite import MAX_ERRORS, first_error_line
from .targets import Lift, install
from .values import exception_summary


class MeasurePlugin:
    def __init__(self, config: MeasureConfig, output: str) -> None:
        self.config = config
        self.output = output
        self.counter = make_counter(config.counter)
        self.measuring = False
        self.calls = 0
        self.outcomes = {"passed": 0, "failed": 0, "skipped": 0}
        self.errors: list[str] = []
        self.failures: dict[str, str] = {}  # nodeid -> first error line, in any pass
        self.ballast: list[bytearray] = []
        self.send = send  # bound before any test or repo code is imported

    def pytest_configure(self, config: Any) -> None:
        try:
            install(self.config.target, self._wrapper)
        except LookupError as exc:
            self.errors.append(str(exc))

    def _wrapper(self, function: Callable[..., Any]) -> Callable[..., Any]:
        depth = [0]
        counter = self.counter
        inside = getattr(counter, "run_inside", None)

        def counted(*args: Any, **kwargs: Any) -> Any:
            if inside is not None:
                with Lift(3):  # this frame, inside's and the lambda's
                    return inside(lambda: function(*args, **kwargs))
            with Lift(1):  # outside the counted region: both sides would pay for it
                counter.enter()
                try:
                    return function(*args, **kwargs)
                finally:
                    counter.leave()

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if depth[0] or not self.measuring:
                with Lift(1):
                    return function(*args, **kwargs)
            depth[0] += 1
            self.calls += 1
            outcome: Any = None
            try:
                with Lift(1):
                    outcome = counted(*args, **kwargs)
                return outcome
            except BaseException as exc:
                outcome = exception_summary(exc)
                raise
            finally:
                depth[0] -= 1
                self.sent(outcome, args, kwargs)

        return wrapper

    def sent(self, outcome: Any, args: Any, kwargs: Any) -> None:
        try:
            shown = digest(snapshot([outcome, list(args), kwargs]))
        except Exception as exc:  # a value whose walk fails is still a value: say so
            shown = f"unshowable {type(exc).__name__}"
        self.send("call", shown)

    def pytest_runtest_logreport(self, report: Any) -> None:
        if report.failed:
            self.outcomes["failed"] += 1
            if report.nodeid not in self.failures and len(self.failures) < MAX_ERRORS:
                self.failures[report.nodeid] = first_error_line(report.longrepr)
        elif report.when == "call" and report.passed:
            self.outcomes["passed"] += 1
        elif report.skipped:
            self.outcomes["skipped"] += 1

    @tryfirst
    def pytest_runtestloop(self, session: Any) -> Any:
        if session.config.option.collectonly or session.testsfailed:
            return None  # collection errors: let pytest report them as usual
        if self.config.passes > 1:
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
            failures=self.failures,
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
