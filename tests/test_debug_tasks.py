"""The debug suite (tasks/debug) is what its bug.toml files say it is.

For every task, in a temporary copy: the planted bug fails exactly the tests bug.toml lists (a
hanging test is run on its own and must still be running after HANG_SECONDS) and at least three
others pass; the faulty lines lie in the named function; and after fix.diff every test passes.
The task suites run with plugin autoloading off: they need nothing but pytest itself.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tasks.debug import BUG_CLASSES, DebugTask, debug_tasks

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

TASKS = debug_tasks()
HANG_SECONDS = 3.0
RUN_SECONDS = 30.0
FIXED_SECONDS = 20.0  # a fixed suite, the once-hanging tests too, ends well within this
SUMMARY_LINE = re.compile(r"^(PASSED|FAILED|ERROR|XPASS|XFAIL) (\S+)", re.MULTILINE)


def by_name(param: DebugTask) -> str:
    return param.name


def pytest_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTEST_ADDOPTS")}
    return {**env, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONDONTWRITEBYTECODE": "1"}


def pytest_argv(*args: str) -> list[str]:
    return [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-rA", *args]


def copy_of(task: DebugTask, tmp_path: Path) -> Path:
    copy = tmp_path / task.name
    shutil.copytree(task.root, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def outcomes(output: str) -> dict[str, str]:
    """node id -> PASSED, FAILED, ... from the short test summary that -rA prints."""
    summary = output.partition("short test summary info")[2]
    return {node: outcome for outcome, node in SUMMARY_LINE.findall(summary)}


def run_suite(copy: Path, *args: str, timeout: float = RUN_SECONDS) -> tuple[dict[str, str], str]:
    try:
        done = subprocess.run(
            pytest_argv(*args),
            cwd=copy,
            env=pytest_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired as expired:
        pytest.fail(f"the suite in {copy.name} did not end in {timeout}s: {expired.stdout!r}")
    output = done.stdout + done.stderr
    return outcomes(output), output


def still_running_after(copy: Path, nodes: tuple[str, ...], seconds: float) -> dict[str, str]:
    """Run each node on its own, all at once; node -> output of those that ended in time."""
    started = {
        node: subprocess.Popen(
            pytest_argv(node),
            cwd=copy,
            env=pytest_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for node in nodes
    }
    deadline = time.monotonic() + seconds
    ended = {}
    try:
        for node, process in started.items():
            try:
                out, _ = process.communicate(timeout=max(0.0, deadline - time.monotonic()))
                ended[node] = out
            except subprocess.TimeoutExpired:
                pass
    finally:
        for process in started.values():
            process.kill()
            process.communicate()
    return ended


def apply_fix(task: DebugTask, copy: Path) -> None:
    # No repository above the copy may claim it: git apply would patch paths relative to that.
    env = {**os.environ, "GIT_CEILING_DIRECTORIES": str(copy.parent)}
    if shutil.which("git"):
        argv = ["git", "apply", str(task.fix)]
    else:
        argv = ["patch", "-p1", "-i", str(task.fix)]
    done = subprocess.run(argv, cwd=copy, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def hunks(diff: str) -> dict[str, list[range]]:
    """file -> the old-side line ranges of its hunks, from a unified diff."""
    found: dict[str, list[range]] = {}
    current = ""
    for line in diff.splitlines():
        if line.startswith("--- "):
            current = line[4:].removeprefix("a/")
        elif line.startswith("+++ ") and current == "/dev/null":
            current = line[4:].removeprefix("b/")
        elif match := re.match(r"@@ -(\d+)(?:,(\d+))? ", line):
            start, count = int(match[1]), int(match[2] or 1)
            found.setdefault(current, []).append(range(start, start + max(count, 1)))
    return found


def functions(tree: ast.Module) -> dict[str, ast.FunctionDef | ast.AsyncFunctionDef]:
    """Every function by its qualified name, as co_qualname spells it."""
    found: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found.setdefault(prefix + child.name, child)
                visit(child, f"{prefix}{child.name}.<locals>.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def pythonpath(task: DebugTask) -> list[str]:
    config = tomllib.loads((task.root / "pyproject.toml").read_text(encoding="utf-8"))
    return list(config["tool"]["pytest"]["ini_options"]["pythonpath"])


def source_modules(task: DebugTask) -> list[Path]:
    return [
        path
        for path in sorted(task.root.rglob("*.py"))
        if "tests" not in path.relative_to(task.root).parts
    ]


@pytest.mark.parametrize("task", TASKS, ids=by_name)
def test_the_bug_fails_exactly_the_listed_tests(task: DebugTask, tmp_path: Path) -> None:
    copy = copy_of(task, tmp_path)
    hanging = task.failing if task.hangs else ()
    found, output = run_suite(copy, *(f"--deselect={node}" for node in hanging))
    failed = {node for node, outcome in found.items() if outcome != "PASSED"}
    passed = set(found) - failed
    assert failed == set(task.failing) - set(hanging), output
    assert len(passed) >= 3, output
    if hanging:
        ended = still_running_after(copy, hanging, HANG_SECONDS)
        assert not ended, f"these did not hang: {ended}"


@pytest.mark.parametrize("task", TASKS, ids=by_name)
def test_the_fix_makes_every_test_pass(task: DebugTask, tmp_path: Path) -> None:
    copy = copy_of(task, tmp_path)
    apply_fix(task, copy)
    found, output = run_suite(copy, timeout=FIXED_SECONDS)
    assert found and set(found.values()) == {"PASSED"}, output
    assert set(task.failing) <= set(found), output


@pytest.mark.parametrize("task", TASKS, ids=by_name)
def test_the_faulty_lines_lie_in_the_function(task: DebugTask) -> None:
    source = (task.root / task.file).read_text(encoding="utf-8")
    function = functions(ast.parse(source)).get(task.function)
    assert function is not None, f"no function {task.function} in {task.file}"
    text = source.splitlines()
    for line in task.lines:
        assert function.lineno <= line <= (function.end_lineno or 0), line
        assert text[line - 1].strip() and not text[line - 1].strip().startswith("#"), line


@pytest.mark.parametrize("task", TASKS, ids=by_name)
def test_the_fix_changes_the_faulty_lines_and_no_tests(task: DebugTask) -> None:
    changed = hunks(task.fix.read_text(encoding="utf-8"))
    assert task.file in changed
    assert not [name for name in changed if name.startswith("tests/")]
    for line in task.lines:
        assert any(line in hunk for hunk in changed[task.file]), line


@pytest.mark.parametrize("task", TASKS, ids=by_name)
def test_a_task_is_small(task: DebugTask) -> None:
    modules = [path for path in source_modules(task) if path.name != "__init__.py"]
    lines = sum(len(path.read_text(encoding="utf-8").splitlines()) for path in modules)
    assert 1 <= len(modules) <= 3
    assert 30 <= lines <= 120
    assert all(node.split("::")[0].startswith("tests/") for node in task.failing)


def test_the_suite_covers_every_bug_class_at_least_twice() -> None:
    counts = Counter(task.bug_class for task in TASKS)
    assert {name: counts[name] for name in BUG_CLASSES if counts[name] < 2} == {}
    assert len(TASKS) >= 24
    assert [task.name for task in TASKS] == sorted(task.name for task in TASKS)


def test_some_tasks_use_a_src_layout() -> None:
    assert sum(pythonpath(task) == ["src"] for task in TASKS) >= 3


def test_every_task_has_its_own_packages() -> None:
    owners: dict[str, list[str]] = {}
    for task in TASKS:
        for folder in pythonpath(task):
            for path in (task.root / folder).iterdir():
                if (path / "__init__.py").exists() or path.suffix == ".py":
                    owners.setdefault(path.stem, []).append(task.name)
    shared = {name: tasks for name, tasks in owners.items() if len(tasks) > 1}
    assert shared == {}
    assert not set(owners) & set(sys.stdlib_module_names)
