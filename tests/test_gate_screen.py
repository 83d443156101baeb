"""The static screen: before/after pairs of what it refuses, and what it must let through."""

from __future__ import annotations

import pytest

from agent.gate.screen import screen

ORIGINAL = "def f(words):\n    return [w for w in words]\n"
MODULE = {"re", "f", "_helper", "wordfreq"}


def findings(candidate: str, original: str = ORIGINAL) -> list[str]:
    return [finding.what for finding in screen(candidate, original, MODULE)]


@pytest.mark.parametrize(
    ("candidate", "what"),
    [
        ("import sys\ndef f(words):\n    sys.exit(0)\n", "uses sys.exit (ends the process)"),
        ("from os import _exit\ndef f(words):\n    _exit(1)\n", "uses os._exit (ends the process)"),
        (
            "def f(words):\n    import pytest\n    pytest.skip()\n",
            "imports pytest (the test framework)",
        ),
        ("def f(words):\n    raise SystemExit\n", "uses SystemExit (ends the process)"),
        (
            "def f(words):\n    return eval('words')\n",
            "calls eval() (runs code it builds at run time)",
        ),
        ("import os\ndef f(words):\n    return os.environ.get('X')\n", "uses os.environ"),
        (
            "_memo = {}\ndef f(words):\n    _memo[1] = words\n    return words\n",
            "writes into module-level `_memo`",
        ),
        ("def f(words):\n    global _helper\n    return words\n", "declares `global _helper`"),
        (
            "import wordfreq\ndef f(words):\n    wordfreq.x = 1\n    return words\n",
            "sets an attribute of `wordfreq`",
        ),
        ("def f(words):\n    return open('tests/test_a.py').read()\n", "names a test file"),
    ],
)
def test_the_screen_refuses(candidate: str, what: str) -> None:
    assert any(found.startswith(what) for found in findings(candidate)), findings(candidate)


@pytest.mark.parametrize(
    "candidate",
    [
        # a hoisted regex and a frozenset constant: read-only module state is fine
        "import re\n_WORD = re.compile('x')\ndef f(words):\n    return _WORD.findall(words)\n",
        "_STOP = frozenset({'a'})\ndef f(words):\n    return [w for w in words if w not in _STOP]\n",
        # locals that share a module-level name are locals
        "def f(words):\n    re = {}\n    re['a'] = 1\n    return re\n",
        # mutating what the function itself builds
        "def f(words):\n    seen = set()\n    seen.add(1)\n    return seen\n",
        "from collections import Counter\ndef f(words):\n    return dict(Counter(words))\n",
    ],
)
def test_the_screen_lets_plain_rewrites_through(candidate: str) -> None:
    assert findings(candidate) == []


def test_what_the_original_already_did_is_not_held_against_the_candidate() -> None:
    original = "import sys\ndef f(words):\n    print(words, file=sys.stderr)\n    sys.exit(2)\n"
    assert findings(original.replace("words, file", "list(words), file"), original) == []


def test_a_protected_file_of_the_repo_may_not_be_named() -> None:
    candidate = "def f(words):\n    return open('benchmarks/bench_a.py').read()\n"
    found = screen(candidate, ORIGINAL, MODULE, protected=["benchmarks/bench_a.py"])
    assert [f.what for f in found] == ["names a test file ('benchmarks/bench_a.py')"]


def test_without_the_protected_files_only_test_like_names_are_refused() -> None:
    assert findings("def f(words):\n    return open('benchmarks/bench_a.py').read()\n") == []


def test_a_finding_quotes_the_line_and_says_what_to_do() -> None:
    (found,) = screen("import os\ndef f(words):\n    os._exit(0)\n", ORIGINAL, MODULE)
    assert found.describe() == (
        "line 3 (`os._exit(0)`) uses os._exit (ends the process): a rewrite must not reach into "
        "the test run or the process; remove it."
    )
