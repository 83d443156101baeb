"""Where a repository keeps its tests, and what pytest is told about them: read once per repo.

A sandbox reads the `Layout` when it prepares a repository and carries it on `PreparedRepo`,
so every part of Ratchet gets the same answers for the whole run:

    tests           test modules by pytest's default naming: test_*.py and *_test.py, anywhere
    is_test(path)   test code, which the profiler leaves out: a test module, a conftest.py, or
                    any file under a tests/ or test/ folder
    benchmarks      .py files under a benchmarks/, benchmark/ or bench/ folder, or named bench_*.py
    protected       what a candidate must never write to or read from (the gate hashes these
                    before and after the suite and hides them during replay): every .py file
                    that is test code or a benchmark or under a testing/ folder, and the files
                    that configure the test run: pytest.toml, pytest.ini (and their hidden
                    forms), tox.ini, noxfile.py
    collect         pytest's positional arguments for the whole suite, tests and benchmarks
    plugins_off     `-p no:NAME` for the plugins Ratchet installs for itself that the repo does
                    not use (Hypothesis's costs seconds of import under valgrind)

Not protected, on purpose: pyproject.toml and setup.cfg (they also hold the package's metadata
and other tools' settings, which the code under test may read, and they say nothing about
expected values), data files under tests/ (tests may write there themselves), and the repo's own
`python_files` patterns (one as wide as `*.py` would protect the code being optimized).

pytest's options come from the first file at the root that pytest 9 would take: pytest.toml,
.pytest.toml, pytest.ini, .pytest.ini (each even when empty), pyproject.toml with a [tool.pytest]
or [tool.pytest.ini_options] table, tox.ini with [pytest], setup.cfg with [tool:pytest].
"""

from __future__ import annotations

import configparser
import posixpath
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from .pyproject import read_pyproject, read_toml, table

TEST_DIRS = frozenset({"tests", "test"})  # every file under one is test code
HELPER_DIRS = frozenset({"testing"})  # test helpers: protected, but still profiled
BENCHMARK_DIRS = ("benchmarks", "benchmark", "bench")
TEST_MODULES = ("test_*.py", "*_test.py")  # pytest's default python_files
BENCHMARK_MODULES = ("bench_*.py",)
CONFTEST = "conftest.py"
TEST_CONFIGS = frozenset(
    {"pytest.toml", ".pytest.toml", "pytest.ini", ".pytest.ini", "tox.ini", "noxfile.py"}
)
# Substrings by which a string constant in a candidate names a test file (the static screen).
# Narrower than the rules above on purpose: `test/` would also match `latest/`.
TEST_PATH_HINTS = ("test_", "_test.py", "conftest", "tests/", "/tests")
# pytest plugins Ratchet installs for itself (sandbox/repo.py TOOLS): distribution -> plugin.
OWN_PLUGINS = {"hypothesis": "hypothesispytest"}
DEPENDENCY_FILES = frozenset({"pyproject.toml", "setup.cfg", "setup.py", "tox.ini"})
# Where pytest looks for its options, in its order: file -> the [section] that makes it count;
# None: the file counts even without one.
PYTEST_CONFIGS = (
    ("pytest.toml", None),
    (".pytest.toml", None),
    ("pytest.ini", None),
    (".pytest.ini", None),
    ("pyproject.toml", "tool.pytest"),
    ("tox.ini", "pytest"),
    ("setup.cfg", "tool:pytest"),
)


@dataclass(frozen=True)
class Layout:
    """Which of a repo's files are tests, benchmarks and protected, and how pytest collects them.
    Paths are repo-relative, with `/`."""

    tests: tuple[str, ...] = ()
    benchmarks: tuple[str, ...] = ()
    protected: tuple[str, ...] = ()
    collect: tuple[str, ...] = ()  # () lets pytest collect its configured testpaths itself
    plugins_off: tuple[str, ...] = ()
    config: str | None = None  # the file pytest reads its options from, if any
    testpaths: tuple[str, ...] = ()  # as configured, globs expanded, missing paths dropped

    def is_test(self, path: str) -> bool:
        return is_test_path(path)

    def is_benchmark(self, path: str) -> bool:
        return is_benchmark_path(path)

    def is_protected(self, path: str) -> bool:
        return is_protected_path(path)


def read_layout(root: Path, files: Sequence[str]) -> Layout:
    """The layout of the repo at `root` whose files are `files`; reads its config files."""
    config, options = read_pytest_options(root)
    return layout_of(files, config, _strings(options.get("testpaths")), _declared(root, files))


def layout_of(
    files: Sequence[str],
    config: str | None = None,
    testpaths: Sequence[str] = (),
    declared: str | None = "",
) -> Layout:
    """The layout from values alone. `declared` is the text of the repo's dependency files
    (None when they could not be read: no plugin is switched off then)."""
    present = expand_testpaths(testpaths, files)
    benchmarks = tuple(f for f in files if is_benchmark_path(f))
    return Layout(
        tests=tuple(find_test_modules(files)),
        benchmarks=benchmarks,
        protected=tuple(f for f in files if is_protected_path(f)),
        collect=collection_args(present, benchmarks),
        plugins_off=plugins_to_switch_off(declared),
        config=config,
        testpaths=present,
    )


def _named(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatchcase(name, pattern) for pattern in patterns)


def find_test_modules(files: Iterable[str]) -> list[str]:
    """The files pytest collects tests from by its default naming."""
    return [f for f in files if _named(posixpath.basename(f), TEST_MODULES)]


def is_test_path(path: str) -> bool:
    """Test code: a test module, a conftest.py, or any file under a tests/ or test/ folder."""
    *dirs, name = path.split("/")
    return name == CONFTEST or _named(name, TEST_MODULES) or not TEST_DIRS.isdisjoint(dirs)


def is_benchmark_path(path: str) -> bool:
    *dirs, name = path.split("/")
    in_folder = not set(BENCHMARK_DIRS).isdisjoint(dirs)
    return name.endswith(".py") and (in_folder or _named(name, BENCHMARK_MODULES))


def is_protected_path(path: str) -> bool:
    """What a candidate must never write to or read from (see the module's docstring)."""
    *dirs, name = path.split("/")
    if name in TEST_CONFIGS:
        return True
    helper = not HELPER_DIRS.isdisjoint(dirs)
    return name.endswith(".py") and (is_test_path(path) or is_benchmark_path(path) or helper)


def collection_args(testpaths: Sequence[str], benchmarks: Iterable[str]) -> tuple[str, ...]:
    """What pytest should collect so that both the tests and the benchmarks are seen.

    No arguments collect pytest's configured testpaths; a benchmarks folder outside them is
    only collected when named, and naming it drops the testpaths, so both are named then.
    """
    folders = sorted({f.split("/")[0] for f in benchmarks if f.split("/")[0] in BENCHMARK_DIRS})
    outside = [f for f in folders if testpaths and not any(_within(f, t) for t in testpaths)]
    return (*testpaths, *outside) if outside else ()


def _within(path: str, folder: str) -> bool:
    return folder == "." or path == folder or path.startswith(folder.rstrip("/") + "/")


def expand_testpaths(testpaths: Sequence[str], files: Sequence[str]) -> tuple[str, ...]:
    """Configured testpaths as pytest uses them: globs expanded (`*`, `?`, `[...]` within one
    folder name), paths that name nothing among `files` dropped, duplicates dropped."""
    tree = {"."} | {parent for f in files for parent in _parents(f)} | set(files)
    found: list[str] = []
    for entry in testpaths:
        pattern = posixpath.normpath(entry)
        if any(c in pattern for c in "*?["):
            found += sorted(p for p in tree if _glob_match(p, pattern))
        elif pattern in tree:
            found.append(pattern)
    return tuple(dict.fromkeys(found))


def _parents(path: str) -> Iterable[str]:
    parts = path.split("/")
    return ("/".join(parts[:n]) for n in range(1, len(parts)))


def _glob_match(path: str, pattern: str) -> bool:
    names, wanted = path.split("/"), pattern.split("/")
    return len(names) == len(wanted) and all(map(fnmatchcase, names, wanted))


def plugins_to_switch_off(declared: str | None) -> tuple[str, ...]:
    """`-p no:PLUGIN` for each of Ratchet's own plugins the declared dependencies never name."""
    if declared is None:
        return ()
    text = declared.lower()
    return tuple(
        arg
        for distribution, plugin in OWN_PLUGINS.items()
        if distribution not in text
        for arg in ("-p", f"no:{plugin}")
    )


def _declared(root: Path, files: Sequence[str]) -> str | None:
    """The text of the files that declare the repo's dependencies; None if one cannot be read."""
    names = [
        f for f in files if f in DEPENDENCY_FILES or (f.endswith(".txt") and "requirements" in f)
    ]
    try:
        return " ".join((root / f).read_text(encoding="utf-8", errors="replace") for f in names)
    except OSError:
        return None


def read_pytest_options(root: Path) -> tuple[str | None, dict[str, Any]]:
    """(the file pytest takes its options from, those options) at the repo's root."""
    for name, section in PYTEST_CONFIGS:
        if (root / name).is_file():
            options = _options(root, name, section)
            if options is not None:
                return name, options
    return None, {}


def _options(root: Path, name: str, section: str | None) -> dict[str, Any] | None:
    path = root / name
    if name.endswith(".toml") and section is None:
        return table(read_toml(path), "pytest")
    if name == "pyproject.toml":
        tool = table(read_pyproject(root), "tool", "pytest")
        native = {k: v for k, v in tool.items() if k != "ini_options"}  # pytest 9's own table
        ini = tool.get("ini_options")
        return native or (ini if isinstance(ini, dict) else None)
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(path.read_text(encoding="utf-8", errors="replace"), str(path))
    except (configparser.Error, OSError):
        return None
    wanted = section or "pytest"
    if parser.has_section(wanted):
        return dict(parser.items(wanted))
    return {} if section is None else None


def _strings(value: object) -> tuple[str, ...]:
    """An ini option's value as a list: TOML lists as they are, ini strings split on spaces."""
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    if isinstance(value, str):
        return tuple(value.split())
    return ()
