"""run_suite for real, in both sandboxes: per-test outcomes, and the ways a candidate can cheat."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from profilers.probe import probe_files
from profilers.suite import SuiteReport, describe_failures, run_suite
from sandbox.base import Session
from tests.conftest import git_init, make, write_tree

APP = "def value():\n    return 1\n"
TESTS = """\
import pytest

from app import value


def test_pass():
    assert value() == 1


def test_fail():
    assert value() == 2


@pytest.mark.skip(reason="not today")
def test_skip():
    pass


@pytest.mark.xfail
def test_xfail():
    assert value() == 2


@pytest.mark.xfail
def test_xpass():
    assert value() == 1


@pytest.fixture
def broken():
    raise RuntimeError("no fixture")


def test_error(broken):
    pass
"""
EXPECTED = {
    "tests/test_app.py::test_pass": "passed",
    "tests/test_app.py::test_fail": "failed",
    "tests/test_app.py::test_skip": "skipped",
    "tests/test_app.py::test_xfail": "xfailed",
    "tests/test_app.py::test_xpass": "xpassed",
    "tests/test_app.py::test_error": "error",
}
PASS = ["tests/test_app.py::test_pass"]

# Candidates that cheat, each a replacement for app.py.
CHEAT_REPORTS = """\
import _pytest.reports as _reports

_made = _reports.TestReport.from_item_and_call.__func__


def _always_passed(cls, item, call):
    report = _made(cls, item, call)
    report.outcome, report.longrepr = "passed", None
    return report


_reports.TestReport.from_item_and_call = classmethod(_always_passed)


def value():
    return 2
"""


@pytest.fixture(scope="module")
def app_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("app")
    write_tree(root, {"app.py": APP, "tests/test_app.py": TESTS})
    git_init(root)
    return root


@pytest.fixture(scope="module", params=["local", pytest.param("docker", marks=pytest.mark.docker)])
def app(request: pytest.FixtureRequest, app_repo: Path, cache_dir: Path) -> Iterator[Session]:
    with make(request.param, cache_dir).prepare(app_repo) as session:
        yield session


def suite(
    session: Session, app_py: str | None = None, tests: list[str] | None = None, **kwargs: float
) -> SuiteReport:
    changes = {**probe_files(), **({"app.py": app_py.encode()} if app_py else {})}
    with session.workspace(changes) as ws:
        return run_suite(ws, tests or (), **kwargs)


def test_every_outcome_is_named_per_test(app: Session) -> None:
    report = suite(app)
    assert dict(report.outcomes) == EXPECTED


def test_a_clean_run_is_finished_untampered_with_its_exit_status(app: Session) -> None:
    report = suite(app)
    assert (report.finished, report.exitstatus, report.tampered, report.collected) == (
        True,
        1,
        (),
        6,
    )


def test_passed_and_failed_sets_count_errors_as_failures(app: Session) -> None:
    report = suite(app)
    assert (report.passed, report.failed) == (
        frozenset(PASS),
        frozenset({"tests/test_app.py::test_fail", "tests/test_app.py::test_error"}),
    )


def test_each_failure_keeps_its_first_error_line(app: Session) -> None:
    report = suite(app)
    assert dict(report.errors) == {
        "tests/test_app.py::test_fail": "assert 1 == 2",
        "tests/test_app.py::test_error": "RuntimeError: no fixture",
    }


def test_a_module_that_fails_to_import_is_named_with_its_cause(app: Session) -> None:
    report = suite(app, app_py="import no_such_module_here\n")
    shown = describe_failures(report)
    assert shown.startswith("1 test fails: tests/test_app.py ("), shown
    assert "No module named 'no_such_module_here'" in shown, shown


def test_a_selection_runs_and_counts_only_the_selected_tests(app: Session) -> None:
    report = suite(app, tests=PASS)
    assert (dict(report.outcomes), report.collected, report.exitstatus) == (
        {PASS[0]: "passed"},
        1,
        0,
    )


def test_pytest_exit_in_the_code_leaves_the_run_unfinished_whatever_its_code(app: Session) -> None:
    report = suite(app, "import pytest\n\ndef value():\n    pytest.exit('done', returncode=0)\n")
    assert (report.finished, report.exitstatus, report.interrupted) == (False, 0, "Exit('done')")


def test_sys_exit_in_the_code_fails_the_test(app: Session) -> None:
    report = suite(app, "import sys\n\ndef value():\n    sys.exit(0)\n", PASS)
    assert report.outcomes[PASS[0]] == "failed"


def test_os_exit_in_the_code_leaves_the_run_unfinished(app: Session) -> None:
    report = suite(app, "import os\n\ndef value():\n    os._exit(0)\n", PASS)
    assert (report.finished, report.run.returncode) == (False, 0)


def test_a_hang_leaves_the_run_unfinished(app: Session) -> None:
    report = suite(app, "def value():\n    while True:\n        pass\n", PASS, timeout=5)
    assert (report.finished, report.run.timed_out) == (False, True)


def test_a_patched_test_report_is_caught_although_every_test_passes(app: Session) -> None:
    report = suite(app, CHEAT_REPORTS)
    assert report.outcomes["tests/test_app.py::test_fail"] == "passed"
    assert any("TestReport.from_item_and_call" in t for t in report.tampered), report.tampered


def test_a_patched_builtin_is_caught(app: Session) -> None:
    cheat = "import builtins\n\nbuiltins.print = lambda *a, **k: None\n\n" + APP
    assert any("builtins.print" in t for t in suite(app, cheat, PASS).tampered)


def test_a_patched_exit_function_is_caught(app: Session) -> None:
    cheat = "import os\n\nos._exit = lambda code: None\n\n" + APP
    assert any("os._exit" in t for t in suite(app, cheat, PASS).tampered)


def test_patching_the_probe_itself_is_caught(app: Session) -> None:
    cheat = (
        "import ratchet_probe.suite\n\nratchet_probe.suite.SuitePlugin.note = lambda s, r: None\n\n"
    )
    assert any("SuitePlugin.note" in t for t in suite(app, cheat + APP, PASS).tampered)


def test_code_running_after_the_session_is_caught(app: Session) -> None:
    cheat = (
        "import atexit, os\n\natexit.register(lambda: os._exit(0))\n\ndef value():\n    return 2\n"
    )
    report = suite(app, cheat, PASS)
    # os._exit skips the probe's exit hook: its last frame never comes, so the result is void
    assert (report.finished, report.run.returncode) == (False, 0)
    assert any("without the probe's last frame" in t for t in report.tampered), report.tampered
