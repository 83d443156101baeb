"""Which files are tests, benchmarks and protected, and what pytest collects: small trees in
tmp_path, read the way a sandbox reads them when it prepares a repo."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox import BadRepository
from sandbox.layout import Layout, layout_of, read_layout, read_pytest_options
from sandbox.repo import list_files

EXAMPLE = Path(__file__).resolve().parent.parent / "tasks" / "example"
HYPOTHESIS_OFF = ("-p", "no:hypothesispytest")


def layout(root: Path, files: dict[str, str]) -> Layout:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return read_layout(root, tuple(sorted(files)))


def tree(*names: str) -> dict[str, str]:
    return dict.fromkeys(names, "")


def test_a_flat_layout_has_its_tests_folder_as_tests(tmp_path: Path) -> None:
    found = layout(tmp_path, tree("pkg/__init__.py", "pkg/a.py", "tests/test_a.py"))
    assert found.tests == ("tests/test_a.py",)


def test_a_src_layout_keeps_the_package_out_of_the_tests(tmp_path: Path) -> None:
    found = layout(tmp_path, tree("src/pkg/mod.py", "tests/test_mod.py"))
    assert not found.is_test("src/pkg/mod.py")


@pytest.mark.parametrize("folder", ["tests", "test"])
def test_every_file_under_a_tests_folder_is_test_code(folder: str) -> None:
    assert layout_of(()).is_test(f"{folder}/helpers.py")


def test_a_testing_folder_is_protected_but_still_profiled() -> None:
    found = layout_of(("testing/helpers.py",))
    assert (found.protected, found.is_test("testing/helpers.py")) == (
        ("testing/helpers.py",),
        False,
    )


def test_test_modules_next_to_the_code_are_tests() -> None:
    files = ("pkg/a.py", "pkg/test_a.py", "pkg/a_test.py")
    assert layout_of(files).tests == ("pkg/test_a.py", "pkg/a_test.py")


def test_conftest_anywhere_is_protected_test_code_but_not_a_test_module() -> None:
    found = layout_of(("conftest.py", "pkg/sub/conftest.py"))
    assert (found.tests, found.protected) == ((), ("conftest.py", "pkg/sub/conftest.py"))


def test_benchmarks_are_benchmark_folders_and_bench_modules() -> None:
    files = ("benchmarks/bench_a.py", "bench/helpers.py", "pkg/bench_b.py", "pkg/bench.txt")
    assert layout_of(files).benchmarks == files[:3]


def test_benchmarks_are_protected() -> None:
    files = ("benchmarks/helpers.py", "pkg/bench_b.py", "pkg/b.py")
    assert layout_of(files).protected == files[:2]


def test_test_config_files_are_protected_and_package_config_is_not() -> None:
    files = ("pytest.ini", "tox.ini", "noxfile.py", ".pytest.ini", "pyproject.toml", "setup.cfg")
    assert layout_of(files).protected == files[:4]


def test_data_files_under_tests_are_not_protected() -> None:
    assert layout_of(("tests/data/expected.json",)).protected == ()


def test_a_file_outside_the_repo_list_is_judged_by_its_name() -> None:
    assert layout_of(()).is_protected("tests/test_new.py")


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("pyproject.toml", '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'),
        ("pyproject.toml", '[tool.pytest.ini_options]\ntestpaths = "tests"\n'),
        ("pyproject.toml", '[tool.pytest]\ntestpaths = ["tests"]\n'),
        ("pytest.ini", "[pytest]\ntestpaths =\n    tests\n"),
        ("pytest.toml", '[pytest]\ntestpaths = ["tests"]\n'),
        ("setup.cfg", "[tool:pytest]\ntestpaths = tests\n"),
        ("tox.ini", "[tox]\nenvlist = py311\n[pytest]\ntestpaths = tests\n"),
    ],
)
def test_benchmarks_outside_the_testpaths_are_collected_with_them(
    tmp_path: Path, name: str, text: str
) -> None:
    files = {name: text, **tree("tests/test_a.py", "benchmarks/bench_a.py")}
    assert layout(tmp_path, files).collect == ("tests", "benchmarks")


def test_without_testpaths_pytest_collects_on_its_own(tmp_path: Path) -> None:
    assert layout(tmp_path, tree("tests/test_a.py", "benchmarks/bench_a.py")).collect == ()


def test_benchmarks_inside_the_testpaths_need_no_naming(tmp_path: Path) -> None:
    files = {"pytest.ini": "[pytest]\ntestpaths = . tests\n", **tree("benchmarks/bench_a.py")}
    assert layout(tmp_path, files).collect == ()


def test_a_testpath_that_only_shares_a_prefix_does_not_hold_the_benchmarks(
    tmp_path: Path,
) -> None:
    files = {"pytest.ini": "[pytest]\ntestpaths = bench\n", **tree("bench/a.py", "benchmarks/b.py")}
    assert layout(tmp_path, files).collect == ("bench", "benchmarks")


def test_testpaths_globs_are_expanded_and_missing_paths_dropped(tmp_path: Path) -> None:
    files = {
        "pytest.ini": "[pytest]\ntestpaths = pkg_*/tests gone ./tests/\n",
        **tree("pkg_a/tests/test_a.py", "pkg_b/tests/test_b.py", "tests/test_c.py"),
    }
    assert layout(tmp_path, files).testpaths == ("pkg_a/tests", "pkg_b/tests", "tests")


def test_pytest_ini_wins_over_pyproject_even_when_empty(tmp_path: Path) -> None:
    files = {"pytest.ini": "", "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["t"]\n'}
    assert layout(tmp_path, files).config == "pytest.ini"


def test_a_pyproject_pytest_table_shadows_tox_ini(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": "[tool.pytest.ini_options]\naddopts = '-q'\n",
        "tox.ini": "[pytest]\ntestpaths = tests\n",
    }
    found = layout(tmp_path, files)
    assert (found.config, found.testpaths) == ("pyproject.toml", ())


def test_a_pyproject_without_a_pytest_table_is_passed_over(tmp_path: Path) -> None:
    files = {"pyproject.toml": "[tool.ruff]\nline-length = 100\n", "tox.ini": "[pytest]\n"}
    assert layout(tmp_path, files).config == "tox.ini"


def test_a_plain_pytest_section_in_setup_cfg_does_not_count(tmp_path: Path) -> None:
    assert layout(tmp_path, {"setup.cfg": "[pytest]\ntestpaths = tests\n"}).config is None


def test_an_ini_file_that_does_not_parse_is_passed_over(tmp_path: Path) -> None:
    layout(tmp_path, {"tox.ini": "testpaths = tests\n", "setup.cfg": "[tool:pytest]\n"})
    assert read_pytest_options(tmp_path) == ("setup.cfg", {})


def test_an_invalid_pyproject_is_a_bad_repository(tmp_path: Path) -> None:
    with pytest.raises(BadRepository, match="not valid TOML"):
        layout(tmp_path, {"pyproject.toml": "[tool.pytest\n"})


def test_hypothesis_is_switched_off_when_the_repo_does_not_use_it(tmp_path: Path) -> None:
    files = {"requirements.txt": "attrs\n", **tree("tests/test_a.py")}
    assert layout(tmp_path, files).plugins_off == HYPOTHESIS_OFF


@pytest.mark.parametrize(
    "name", ["requirements.txt", "requirements/dev.txt", "pyproject.toml", "setup.py", "tox.ini"]
)
def test_hypothesis_stays_on_when_the_repo_declares_it(tmp_path: Path, name: str) -> None:
    text = '# "Hypothesis>=6"\n' if name.endswith(".toml") else "Hypothesis>=6\n"
    assert layout(tmp_path, {name: text}).plugins_off == ()


def test_the_bundled_example_collects_its_tests_and_benchmarks() -> None:
    found = read_layout(EXAMPLE, list_files(EXAMPLE))
    assert (found.config, found.collect) == ("pyproject.toml", ("tests", "benchmarks"))
