"""The Low tier on the bundled example: every planted function gets a proposal, and each
proposal, written into a copy of the example, keeps its whole test suite passing."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from agent.rules.proposer import Proposal, propose
from tests.rules.support import outcome

EXAMPLE = Path(__file__).resolve().parents[1] / "tasks" / "example"
PLANTED = [
    ("text", "normalize"),
    ("text", "ngrams"),
    ("filters", "remove_stopwords"),
    ("filters", "unique_words"),
    ("counting", "count_words"),
    ("counting", "top_words"),
    ("report", "format_report"),
]


def proposals(module: str, function: str) -> list[Proposal]:
    source = (EXAMPLE / "wordfreq" / f"{module}.py").read_text()
    found, failures = propose(source, function, path=f"wordfreq/{module}.py")
    assert failures == []
    return found


@pytest.mark.parametrize(("module", "function"), PLANTED)
def test_every_planted_function_gets_a_proposal(module: str, function: str) -> None:
    assert proposals(module, function)


def test_rules_that_fire_together_are_also_chained() -> None:
    rules = [p.rules for p in proposals("report", "format_report")]
    assert ("any-all-generator", "concat-to-join", "drop-keys-call") in rules


def test_a_proposal_changes_only_the_target_function() -> None:
    diff = proposals("counting", "top_words")[0].diff
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in "+++---"]
    assert changed == [
        "-        word = sorted(remaining, key=lambda w: (-remaining[w], w))[0]",
        "+        word = min(remaining, key=lambda w: (-remaining[w], w))",
    ]


def test_a_function_no_rule_fires_on_gets_none() -> None:
    assert proposals("text", "tokenize") == []


@pytest.mark.parametrize(("module", "function"), PLANTED)
def test_each_proposal_keeps_the_examples_tests_passing(
    module: str, function: str, tmp_path: Path
) -> None:
    for proposal in proposals(module, function):
        copy = tmp_path / "-".join(proposal.rules)
        shutil.copytree(EXAMPLE, copy, ignore=shutil.ignore_patterns("__pycache__", ".*cache"))
        (copy / "wordfreq" / f"{module}.py").write_text(proposal.source)
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x"],
            cwd=copy,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, f"{proposal.rules}: {done.stdout[-800:]}"


def test_facts_about_one_module_never_leak_into_another() -> None:
    # The proposer remembers each parsed module's facts; two texts that differ only in what
    # TABLE is must each be judged by their own.
    function = "def f(x):\n    return x in TABLE.keys()\n"
    found, _ = propose("TABLE = {}\n\n\n" + function, "f")
    assert [p.rules for p in found] == [("drop-keys-call",)]
    assert propose("TABLE = []\n\n\n" + function, "f") == ([], [])
    assert propose("TABLE = {}\n\n\n" + function, "f")[0] == found


def test_the_rules_for_real_libraries_chain_into_one_module_that_behaves_the_same() -> None:
    source = (
        "import re\n\n\ndef squeeze(words):\n    found = dict()\n"
        "    for word in sorted(words, key=lambda w: w[-1]):\n"
        "        found[word] = re.sub(r'\\s+', ' ', word)\n    return found\n"
    )
    found, failures = propose(source, "squeeze")
    chained = found[-1]
    assert failures == []
    assert chained.rules == ("call-to-display", "lambda-to-getter", "precompile-regex")
    assert chained.source.startswith("import re\nimport operator\n\n\n_RATCHET_SQUEEZE_1 = ")
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    exec(source, before)
    exec(chained.source, after)
    for words in (["a  b", "c\td", "e"], [], ["x", ""]):
        assert outcome(before["squeeze"], words) == outcome(after["squeeze"], words)
