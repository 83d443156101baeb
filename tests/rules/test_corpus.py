"""The real-repository corpus the rules are measured on: the manifest, and (when
scripts/real-repos.sh has fetched it) real functions each new rule fires on."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from agent.rules.proposer import propose
from tasks.real import Library, corpus_root, load_corpus

LICENCES = {"MIT", "BSD-2-Clause", "BSD-3-Clause", "Apache-2.0", "PSF-2.0"}
CACHE = Path(os.environ.get("RATCHET_CACHE_DIR") or Path.home() / ".cache" / "ratchet")


def test_the_manifest_pins_at_least_five_libraries_with_tests_and_open_licences() -> None:
    corpus = load_corpus()
    assert len([library for library in corpus if library.tests and library.test_count]) >= 5
    for library in corpus:
        assert re.fullmatch(r"[0-9a-f]{64}", library.sha256), library.name
        assert library.licence in LICENCES, library.name
        assert library.layout in ("flat", "src", "module"), library.name
        assert library.sdist.endswith(".tar.gz") and library.version in library.sdist


def test_source_files_leave_the_tests_out(tmp_path: Path) -> None:
    (tmp_path / "pkg" / "tests").mkdir(parents=True)
    for name in ("pkg/__init__.py", "pkg/core.py", "pkg/tests/test_core.py"):
        (tmp_path / name).write_text("")
    library = Library(
        *("pkg", "1.0", "pkg-1.0.tar.gz", "0" * 64, "MIT", "flat", "setuptools", ">=3.9"),
        sources=("pkg",),
        tests=("pkg/tests",),
        test_count=1,
        test_seconds=1,
    )
    found = [p.relative_to(tmp_path).as_posix() for p in library.source_files(tmp_path)]
    assert found == ["pkg/__init__.py", "pkg/core.py"]


FIRES = [
    ("inflection", "inflection/__init__.py", "underscore", "precompile-regex"),
    ("sqlparse", "sqlparse/sql.py", "Token._get_repr_value", "precompile-regex"),
    ("boltons", "boltons/formatutils.py", "get_format_args", "precompile-regex"),
    ("cachetools", "src/cachetools/__init__.py", "LFUCache.__setstate__", "lambda-to-getter"),
    ("boltons", "boltons/cacheutils.py", "ThresholdCounter.most_common", "lambda-to-getter"),
    ("toolz", "toolz/sandbox/core.py", "unzip", "call-to-display"),
    ("boltons", "boltons/setutils.py", "IndexedSet.__init__", "call-to-display"),
]


@pytest.mark.parametrize(("name", "path", "qualname", "rule"), FIRES)
def test_the_new_rules_fire_on_real_functions(
    name: str, path: str, qualname: str, rule: str
) -> None:
    library = next(library for library in load_corpus() if library.name == name)
    file = corpus_root(CACHE) / library.folder / path
    if not file.is_file():
        pytest.skip(f"{library.folder} is not in {corpus_root(CACHE)}; run scripts/real-repos.sh")
    source = file.read_text(encoding="utf-8")
    found, failures = propose(source, qualname, path=path)
    assert failures == []
    assert (rule,) in [proposal.rules for proposal in found]
    for proposal in found:
        compile(proposal.source, path, "exec", dont_inherit=True)
