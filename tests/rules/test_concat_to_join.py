"""concat-to-join: before/after pairs, the limits, behaviour, and the planted examples."""

from __future__ import annotations

import libcst as cst
import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.rules._blocks import walk
from agent.rules.concat_to_join import ConcatToJoin
from tests.rules.support import (
    EXAMPLE,
    PROPERTY,
    assert_not_fired,
    assert_rewrites,
    example,
    run_rule,
    same_behaviour,
    same_method_behaviour,
)

RULE = ConcatToJoin()


def test_guarded_additions_become_appends_and_one_join() -> None:
    before = """
        def f(text: str) -> str:
            out = ""
            for ch in text:
                if ch.isdigit():
                    out += ch
                else:
                    out += "-"
            return out
        """
    after = """
        def f(text: str) -> str:
            out_parts = []
            for ch in text:
                if ch.isdigit():
                    out_parts.append(ch)
                else:
                    out_parts.append("-")
            out = "".join(out_parts)
            return out
        """
    assert_rewrites(RULE, before, after)


def test_non_empty_start_f_strings_and_percent_formatting() -> None:
    before = """
        def f(items):
            s = "<"
            for key, value in items:
                s += f"{key}={value}"; s += "%s;" % key
            return s
        """
    after = """
        def f(items):
            s_parts = ["<"]
            for key, value in items:
                s_parts.append(f"{key}={value}"); s_parts.append("%s;" % key)
            s = "".join(s_parts)
            return s
        """
    assert_rewrites(RULE, before, after)


def test_while_loop_with_str_calls_and_an_annotated_start() -> None:
    before = """
        def f(n):
            s: str = ""
            while n > 0:
                s += str(n % 2)
                n //= 2
            return s
        """
    after = """
        def f(n):
            s_parts = []
            while n > 0:
                s_parts.append(str(n % 2))
                n //= 2
            s: str = "".join(s_parts)
            return s
        """
    assert_rewrites(RULE, before, after)


def test_parts_name_avoids_names_in_use() -> None:
    before = """
        def f(words: list[str], s_parts):
            s = ""
            for w in words:
                s += w.upper()
            return s, s_parts
        """
    rewrite = run_rule(RULE, before)
    assert rewrite is not None and 's = "".join(s_parts_2)' in rewrite.source()


@pytest.mark.parametrize(
    "source",
    [
        pytest.param("def f(words: list[str]):\n    s = ''\n    for w in words:\n        if s:\n            s += ','\n        s += w\n    return s\n", id="accumulator-read-in-loop"),
        pytest.param("def f(words):\n    s = ''\n    for w in words:\n        s += w\n    return s\n", id="part-of-unknown-type"),
        pytest.param("def f(words: list[str]):\n    s = 0\n    for w in words:\n        s += w\n    return s\n", id="start-not-str"),
        pytest.param("def f(words: list[str]):\n    s = ''\n    for w in words:\n        s = s + w\n    return s\n", id="not-augmented"),
        pytest.param("def f(words: list[str]):\n    s = ''\n    try:\n        for w in words:\n            s += w\n    finally:\n        print(s)\n    return s\n", id="not-adjacent-and-under-try"),
        pytest.param("def f(xs, str):\n    s = ''\n    for x in xs:\n        s += str(x)\n    return s\n", id="str-shadowed"),
        pytest.param("def f(text: str = None):\n    s = ''\n    for ch in text:\n        s += ch\n    return s\n", id="annotation-contradicted-by-default"),
        pytest.param("def f(words: list[str]):\n    s = ''\n    def peek():\n        return s\n    for w in words:\n        s += w\n    return s\n", id="closure-reads-accumulator"),
        pytest.param("def f(xs):\n    s = ''\n    for x in xs:\n        s += x.strip()\n    return s\n", id="str-method-on-unknown-receiver"),
    ],
)  # fmt: skip
def test_does_not_fire(source: str) -> None:
    assert_not_fired(RULE, source)


GUARDED = """
def f(words: list[str], sep: str) -> str:
    s = "["
    for w in words:
        if not w:
            continue
        if w.isupper():
            s += w.lower() + sep
        elif len(w) > 2:
            s += w[1:] * 2
        else:
            s += "%s|" % w
    else:
        s += "]"
    return s
"""


@PROPERTY
@given(st.lists(st.text(max_size=4)), st.text(max_size=2))
def test_guarded_join_behaves_the_same(words: list[str], sep: str) -> None:
    assert same_behaviour(RULE, GUARDED, "f", words, sep)


def test_fires_on_the_planted_normalize() -> None:
    rewrite = run_rule(RULE, example("text.py", "normalize"))
    assert rewrite is not None
    assert (
        '            result_parts.append(" ")\n    result = "".join(result_parts)'
        in rewrite.source()
    )


def test_fires_on_the_planted_format_report() -> None:
    rewrite = run_rule(RULE, example("report.py", "format_report"))
    assert rewrite is not None
    assert 'report_parts = [title + "\\n" + "=" * len(title) + "\\n"]' in rewrite.source()


@PROPERTY
@given(st.text())
def test_planted_normalize_behaves_the_same(text: str) -> None:
    assert same_behaviour(RULE, example("text.py", "normalize"), "normalize", text)


@pytest.mark.parametrize(
    "args",
    [({}, "T", ()), ({"cat": 3, "hat": 12}, "Top", ("c",)), ({"a": 1}, "", ("", "b"))],
)
def test_planted_format_report_behaves_the_same(
    args: tuple[object, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(EXAMPLE.parent))
    assert same_behaviour(RULE, example("report.py", "format_report"), "format_report", *args)


PREFIX = """
class Literal:
    value: str

    def __init__(self, value: str) -> None:
        self.value = value

    def prefix(self) -> str:
        out = ""
        for c in self.value:
            if c in "\\"'":
                break
            out += c
        return out.lower()
"""


def test_attributes_the_class_declares_str_are_str() -> None:
    module = cst.parse_module(PREFIX)
    prefix = next(
        n for n in walk(module) if isinstance(n, cst.FunctionDef) and n.name.value == "prefix"
    )
    rewrite = RULE.rewrite(prefix, module)
    assert rewrite is not None
    assert '        out_parts.append(c)\n    out = "".join(out_parts)\n' in rewrite.source()


@pytest.mark.parametrize(
    ("declaration", "method"),
    [
        ("value: str", "@staticmethod\n    def prefix(self):"),  # self is no instance
        ("value: str", "@classmethod\n    def prefix(self):"),
        ("value: str\n    value = 1", "def prefix(self):"),  # bound twice in the class
        ("value: str = None", "def prefix(self):"),  # the default says otherwise
        ("value: list", "def prefix(self):"),
        ("if X:\n        value: str", "def prefix(self):"),
        ("other: str", "def prefix(self):"),
        ("value: str", "def prefix(self, value: list):\n        self = value\n       "),
    ],
)
def test_other_attributes_are_not_known(declaration: str, method: str) -> None:
    assert_not_fired(RULE, _method(declaration, method))


def test_the_plain_declaration_and_method_fire() -> None:  # the control for the cases above
    assert run_rule(RULE, _method("value: str", "def prefix(self):")) is not None
    assert run_rule(RULE, _method("value: str = 'r'", "def prefix(self):")) is not None


def test_a_valued_declaration_in_a_class_with_bases_may_be_an_enum_member() -> None:
    source = _method("value: str = 'r'", "def prefix(self):").replace("class C:", "class C(Enum):")
    assert_not_fired(RULE, source)
    declared = _method("value: str", "def prefix(self):").replace("class C:", "class C(Base):")
    assert run_rule(RULE, declared) is not None  # a declaration alone is kept


def _method(declaration: str, method: str) -> str:
    return (
        f"class C:\n    {declaration}\n\n    {method}\n"
        "        out = ''\n        for c in self.value:\n            out += c\n        return out\n"
    )


def test_a_function_nested_in_a_method_does_not_know_self() -> None:
    source = (
        "class C:\n    value: str\n\n    def m(self):\n        def inner(self):\n"
        "            out = ''\n            for c in self.value:\n                out += c\n"
        "            return out\n        return inner\n"
    )
    module = cst.parse_module(source)
    inner = next(
        n for n in walk(module) if isinstance(n, cst.FunctionDef) and n.name.value == "inner"
    )
    assert RULE.rewrite(inner, module) is None


@PROPERTY
@given(st.text(alphabet="rbRB'\"x", max_size=8))
def test_declared_attribute_loops_behave_the_same(value: str) -> None:
    assert same_method_behaviour(RULE, PREFIX, "Literal.prefix", value)
