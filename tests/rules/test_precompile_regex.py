"""precompile-regex: before/after pairs, the limits, and behaviour."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.rules.precompile_regex import PrecompileRegex
from agent.rules.proposer import apply_rule
from tests.rules.support import (
    PROPERTY,
    assert_not_fired,
    assert_rewrites,
    load,
    outcome,
    run_rule,
    same_behaviour,
)

RULE = PrecompileRegex()


def test_two_substitutions_each_get_a_pattern_compiled_at_import() -> None:
    before = """
        import re
        def underscore(word):
            word = re.sub(r"([A-Z]+)([A-Z][a-z])", r'\\1_\\2', word)
            word = re.sub(r"([a-z\\d])([A-Z])", r'\\1_\\2', word)
            return word.replace("-", "_").lower()
        """
    after = """
        import re
        _RATCHET_UNDERSCORE_1 = re.compile(r"([A-Z]+)([A-Z][a-z])")
        _RATCHET_UNDERSCORE_2 = re.compile(r"([a-z\\d])([A-Z])")


        def underscore(word):
            word = _RATCHET_UNDERSCORE_1.sub(r'\\1_\\2', word)
            word = _RATCHET_UNDERSCORE_2.sub(r'\\1_\\2', word)
            return word.replace("-", "_").lower()
        """
    assert_rewrites(RULE, before, after)


def test_flags_go_to_compile_and_a_repeated_pattern_shares_one_helper() -> None:
    before = """
        import re
        def heads(lines):
            found = []
            for line in lines:
                if re.match('a+', line, re.I | re.M) or re.search(b'x', b'', flags=0):
                    found.append(re.match('a+', line, flags=re.I | re.M).group())
            return found
        """
    after = """
        import re
        _RATCHET_HEADS_1 = re.compile('a+', re.I | re.M)
        _RATCHET_HEADS_2 = re.compile(b'x', 0)


        def heads(lines):
            found = []
            for line in lines:
                if _RATCHET_HEADS_1.match(line) or _RATCHET_HEADS_2.search(b''):
                    found.append(_RATCHET_HEADS_1.match(line).group())
            return found
        """
    assert_rewrites(RULE, before, after)


def test_keywords_the_pattern_method_takes_are_kept_and_lambdas_count() -> None:
    before = """
        import re
        def camelize(string, n):
            parts = re.split('[.[]', string, maxsplit=n)
            return re.sub(r"(?:^|_)(.)", lambda m: m.group(1).upper(), string, count=n), parts
        """
    after = """
        import re
        _RATCHET_CAMELIZE_1 = re.compile('[.[]')
        _RATCHET_CAMELIZE_2 = re.compile(r"(?:^|_)(.)")


        def camelize(string, n):
            parts = _RATCHET_CAMELIZE_1.split(string, maxsplit=n)
            return _RATCHET_CAMELIZE_2.sub(lambda m: m.group(1).upper(), string, count=n), parts
        """
    assert_rewrites(RULE, before, after)


def test_a_method_in_a_class_gets_a_module_level_helper_through_the_proposer() -> None:
    source = (
        "import re\n\n\nclass Token:\n    def __init__(self, raw):\n        self.raw = raw\n\n"
        "    def short(self):\n        return re.sub(r'\\s+', ' ', self.raw)\n"
    )
    rewritten = apply_rule(RULE, source, "Token.short", "sql.py")
    assert isinstance(rewritten, str)
    assert "_RATCHET_SHORT_1 = re.compile(r'\\s+')\n\n\nclass Token:" in rewritten
    assert "return _RATCHET_SHORT_1.sub(' ', self.raw)" in rewritten
    before, after = load(source, "Token"), load(rewritten, "Token")
    assert before("a \n\t b").short() == after("a \n\t b").short() == "a b"


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("import re\ndef f(s, p):\n    return re.match(p, s)\n", id="pattern-not-literal"),
        pytest.param("import re\ndef f(s, x):\n    return re.match(f'{x}+', s)\n", id="pattern-f-string"),
        pytest.param("import re\ndef f(s):\n    return re.match(pattern='a', string=s)\n", id="pattern-by-keyword"),
        pytest.param("def f(s):\n    return re.match('a', s)\nimport re\n", id="re-imported-after-the-function"),
        pytest.param("import re as regex\nre = regex\ndef f(s):\n    return re.match('a', s)\n", id="re-rebound"),
        pytest.param("from re import match\ndef f(s):\n    return match('a', s)\n", id="not-through-the-module"),
        pytest.param("import re\ndef f(s, re):\n    return re.match('a', s)\n", id="re-is-a-parameter"),
        pytest.param("import re\nfrom x import *\ndef f(s):\n    return re.match('a', s)\n", id="star-import"),
        pytest.param("import re\ndef f(s):\n    return re.sub('a', 'b', s, 1)\n", id="positional-count-deprecated-in-3-13"),
        pytest.param("import re\ndef f(s):\n    return re.split(',', s, 2)\n", id="positional-maxsplit"),
        pytest.param("import re\ndef f(s, n):\n    return re.match('a', s, n)\n", id="flags-not-literal"),
        pytest.param("import re\ndef f(s):\n    return re.match('a', s, re.DEBUG)\n", id="debug-flag-prints-per-compile"),
        pytest.param("import re\ndef f(s):\n    return re.match('a', s, re.T)\n", id="template-flag-gone-in-3-13"),
        pytest.param("import re\ndef f(s):\n    return re.match('(', s)\n", id="pattern-invalid"),
        pytest.param("import re\ndef f(s):\n    return re.match('a', s, re.L)\n", id="locale-flag-on-a-str-pattern"),
        pytest.param("import re\ndef f(s):\n    return re.match('(?>a)', s)\n", id="atomic-group-new-in-3-11"),
        pytest.param("import re\ndef f(s):\n    return re.match('a++', s)\n", id="possessive-new-in-3-11"),
        pytest.param("import re\ndef f(s, a):\n    return re.sub('a', *a)\n", id="star-arguments"),
        pytest.param("import re\ndef f(s):\n    return re.match('a', s, pos=1)\n", id="keyword-the-function-lacks"),
        pytest.param("import re\ndef f(s):\n    return re.escape('a'), re.compile('b')\n", id="not-a-matching-function"),
        pytest.param("import re\ndef f(s):\n    def g():\n        return re.match('a', s)\n    return g\n", id="inside-a-nested-def"),
    ],
)  # fmt: skip
def test_does_not_fire(source: str) -> None:
    assert_not_fired(RULE, source)


WORDS = r"""
import re
def f(word, sep):
    a = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", word)
    b = re.sub(r"([a-z\d])([A-Z])", r"\1_\2", a, count=1)
    found = re.findall(r"(?i)[aeiou]+", word), [m.span() for m in re.finditer(r"\d", word)]
    head = re.match(r"\s*(\w+)", word, re.I | re.M)
    return (
        a, b, re.split(r"[._-]", b, maxsplit=2), found, head and head.group(1),
        re.fullmatch(r"[a-z]*", word) is not None, re.subn(r"x", sep, word),
        re.sub(r"(?:^|_)(.)", lambda m: m.group(1).upper(), word),
        re.search("^ +", word, flags=re.MULTILINE) is None,
    )
"""


@PROPERTY
@given(
    st.one_of(st.text(alphabet="aBcX_x-. 1\n", max_size=12), st.binary(max_size=4)),
    st.one_of(st.sampled_from(["", "y", r"\1", "\\"]), st.binary(max_size=2)),
)
def test_patterns_compiled_at_import_behave_the_same(word: str | bytes, sep: str | bytes) -> None:
    assert same_behaviour(RULE, WORDS, "f", word, sep)


def test_a_str_pattern_on_bytes_raises_the_same_type_error() -> None:
    rewrite = run_rule(RULE, WORDS)
    assert rewrite is not None
    module = "\n".join([*rewrite.imports, *rewrite.helpers]) + "\n\n\n" + rewrite.source()
    assert outcome(load(WORDS, "f"), b"x", "") == outcome(load(module, "f"), b"x", "")
    assert outcome(load(module, "f"), b"x", "") == ("raised", "TypeError")
