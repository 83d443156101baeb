"""hoist-constants: before/after pairs, the limits, and behaviour."""

from __future__ import annotations

import libcst as cst
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.rules.hoist_constants import HoistConstants
from tests.rules.support import EXAMPLE, PROPERTY, assert_not_fired, assert_rewrites, same_behaviour

RULE = HoistConstants()


def test_compiled_pattern_with_flags_is_built_at_import() -> None:
    before = """
        import re
        def numbers(lines):
            return [re.compile(r"\\d+", flags=re.I | re.M).findall(line) for line in lines]
        """
    after = """
        import re
        _RATCHET_NUMBERS_1 = re.compile(r"\\d+", flags=re.I | re.M)


        def numbers(lines):
            return [_RATCHET_NUMBERS_1.findall(line) for line in lines]
        """
    assert_rewrites(RULE, before, after)


def test_frozenset_and_membership_only_sets_become_helpers() -> None:
    before = """
        def f(words):
            vowels = {"a", "e", "i"}
            kept = []
            for w in words:
                if w[:1] in vowels and w not in set(["x", "y"]) and len(vowels) > 2:
                    kept.append(frozenset((1, 2)))
            return kept
        """
    after = """
        _RATCHET_F_1 = frozenset({"a", "e", "i"})
        _RATCHET_F_2 = frozenset({"x", "y"})
        _RATCHET_F_3 = frozenset((1, 2))


        def f(words):
            vowels = _RATCHET_F_1
            kept = []
            for w in words:
                if w[:1] in vowels and w not in _RATCHET_F_2 and len(vowels) > 2:
                    kept.append(_RATCHET_F_3)
            return kept
        """
    assert_rewrites(RULE, before, after)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("def f(s):\n    return re.compile('a+').match(s)\nimport re as re2\nre = re2\n", id="re-rebound"),
        pytest.param("def f(s):\n    return compile('a+').match(s)\nfrom re import compile\n", id="re-not-a-module-import"),
        pytest.param("import re\ndef f(s, re):\n    return re.compile('a+').match(s)\n", id="re-is-a-parameter"),
        pytest.param("import re\ndef f(s, p):\n    return re.compile(p).match(s)\n", id="pattern-not-literal"),
        pytest.param("import re\ndef f(s, x):\n    return re.compile(f'{x}+').match(s)\n", id="pattern-f-string"),
        pytest.param("import re\ndef f(s):\n    return re.compile('(').match(s)\n", id="pattern-invalid"),
        pytest.param("import re\ndef f(s, flag):\n    return re.compile('a', flag).match(s)\n", id="flags-not-constant"),
        pytest.param("def f(s):\n    return re.compile('a+').match(s)\nimport re\n", id="re-imported-after-the-function"),
        pytest.param("import re\ndef f(s):\n    return re.compile('a', re.DEBUG).match(s)\n", id="debug-flag-prints-per-compile"),
        pytest.param("import re\ndef f(s):\n    return re.compile('a', 128).match(s)\n", id="debug-flag-as-an-int"),
        pytest.param("import re\ndef f(s):\n    return re.compile('a*+').match(s)\n", id="possessive-quantifier-new-in-3-11"),
        pytest.param("def f(x):\n    seen = {1, 2}\n    seen.add(x)\n    return x in seen\n", id="set-mutated"),
        pytest.param("def f(x):\n    allowed = set(['a'])\n    return allowed\n", id="set-escapes"),
        pytest.param("def f(x):\n    allowed = {'a'}\n    return x in sorted(allowed)\n", id="set-passed-on"),
        pytest.param("def f(x, set):\n    return x in set(['a'])\n", id="set-shadowed"),
        pytest.param("def f(x):\n    allowed = {'a'}\n    allowed = {'b'}\n    return x in allowed\n", id="set-rebound"),
        pytest.param("def f(x, y):\n    return frozenset([x, y])\n", id="frozenset-of-variables"),
    ],
)  # fmt: skip
def test_does_not_fire(source: str) -> None:
    assert_not_fired(RULE, source)


PATTERN = """
import re
def f(lines):
    return [re.compile(r"[a-c]+|(\\d)", re.IGNORECASE).findall(line) for line in lines]
"""

MEMBERSHIP = """
def f(items):
    allowed = {"a", 1, None, 2.5}
    return [item in allowed for item in items], len(allowed)
"""


@PROPERTY
@given(st.lists(st.text(alphabet="aBc1 x", max_size=8), max_size=4))
def test_hoisted_pattern_behaves_the_same(lines: list[str]) -> None:
    assert same_behaviour(RULE, PATTERN, "f", lines)


@PROPERTY
@given(st.lists(st.one_of(st.text(max_size=1), st.integers(0, 2), st.none(), st.lists(st.none()))))
def test_hoisted_set_behaves_the_same_also_for_unhashable_items(items: list[object]) -> None:
    assert same_behaviour(RULE, MEMBERSHIP, "f", items)


@pytest.mark.parametrize("file", ["text.py", "filters.py", "counting.py", "report.py"])
def test_builds_no_constant_in_the_example_which_has_none(file: str) -> None:
    module = cst.parse_module((EXAMPLE / file).read_text())
    functions = [s for s in module.body if isinstance(s, cst.FunctionDef)]
    assert [RULE.rewrite(f, module) for f in functions] == [None] * len(functions)
