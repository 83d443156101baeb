"""Finding functions: by qualified name, by line, and the module files of a dotted name."""

from __future__ import annotations

import textwrap
from pathlib import Path

import libcst as cst
import pytest

from agent.rewrite import (
    Definition,
    ModuleMatch,
    Rejected,
    function_at_line,
    function_source,
    list_functions,
    locate_function,
    module_paths,
)
from agent.rewrite.spans import public_spans, statement_spans

MODULE = textwrap.dedent(
    '''\
    """A module with one of everything."""

    import functools


    def top(a, b=1):
        return a + b


    @functools.lru_cache(maxsize=None)
    # between the decorator and the def
    def cached(n):
        return n


    async def fetch(url):
        return url


    class Outer:
        x = 1

        def method(self):
            def helper(y):
                return y

            return helper(self.x)

        class Inner:
            async def deep(self):
                return 1
                # a comment the body owns

        @property
        def value(self):
            return self.x

        @value.setter
        def value(self, new):
            self.x = new


    if functools:
        def either():
            return 1
    else:
        def either():
            return 2
    '''
)


def found(qualname: str, source: str = MODULE, **kwargs: int) -> Definition:
    result = locate_function(source, qualname, **kwargs)
    assert isinstance(result, Definition), result
    return result


def rejected(result: object) -> Rejected:
    assert isinstance(result, Rejected), result
    return result


# by qualified name


@pytest.mark.parametrize(
    ("qualname", "line"),
    [
        ("top", 6),
        ("cached", 12),
        ("fetch", 16),
        ("Outer.method", 23),
        ("Outer.method.helper", 24),
        ("Outer.method.<locals>.helper", 24),
        ("Outer.Inner.deep", 30),
    ],
)
def test_a_qualified_name_finds_its_def_line(qualname: str, line: int) -> None:
    assert found(qualname).line == line


def test_a_decorated_function_spans_from_its_first_decorator() -> None:
    assert (found("cached").first_line, found("cached").last_line) == (10, 13)


def test_the_comment_lines_a_body_owns_belong_to_the_function() -> None:
    assert found("Outer.Inner.deep").last_line == 32


def test_a_nested_function_is_named_without_locals() -> None:
    assert found("Outer.method.<locals>.helper").qualname == "Outer.method.helper"


def test_a_missing_name_lists_what_the_scope_defines() -> None:
    reason = rejected(locate_function(MODULE, "Outer.nothing")).reason
    assert "`Outer` defines no function or class `nothing`" in reason and "`method`" in reason


def test_a_misspelt_name_suggests_the_close_ones() -> None:
    assert "did you mean `method`?" in rejected(locate_function(MODULE, "Outer.metod")).reason


def test_a_class_is_not_a_function() -> None:
    assert "is a class, not a function" in rejected(locate_function(MODULE, "Outer.Inner")).reason


def test_a_malformed_name_says_how_to_write_one() -> None:
    assert rejected(locate_function(MODULE, "Outer..method")).kind == "not-found"


def test_a_property_and_its_setter_are_ambiguous_and_both_lines_are_named() -> None:
    reason = rejected(locate_function(MODULE, "Outer.value")).reason
    assert "defines `value` 2 times, at line 35 and line 39" in reason


def test_conditional_definitions_are_ambiguous_and_say_under_what() -> None:
    reason = rejected(locate_function(MODULE, "either")).reason
    assert "line 44 (under `if functools:`) and line 47 (under `else:`)" in reason


def test_a_line_picks_one_of_several_definitions() -> None:
    assert found("either", line=48).line == 47


def test_a_line_outside_every_definition_of_the_name_lists_their_spans() -> None:
    assert (
        "defined at lines 44-45, 47-48"
        in rejected(locate_function(MODULE, "either", line=3)).reason
    )


def test_an_ambiguous_class_makes_its_methods_ambiguous() -> None:
    source = "class A:\n    def m(self): pass\nclass A:\n    def n(self): pass\n"
    assert rejected(locate_function(source, "A.m")).kind == "ambiguous"


def test_overload_stubs_do_not_count() -> None:
    source = textwrap.dedent(
        """\
        from typing import overload
        @overload
        def f(x: int) -> int: ...
        @overload
        def f(x: str) -> str: ...
        def f(x):
            return x
        """
    )
    assert found("f", source).line == 6


def test_a_module_that_does_not_parse_is_rejected_with_line_and_column() -> None:
    reason = rejected(locate_function("def f(:\n    pass\n", "f")).reason
    assert reason.startswith("<module> does not parse: line 1, column 7")


# by line


@pytest.mark.parametrize(
    ("line", "qualname"),
    [(7, "top"), (10, "cached"), (11, "cached"), (25, "Outer.method.helper"), (27, "Outer.method")],
)
def test_a_line_finds_the_innermost_enclosing_function(line: int, qualname: str) -> None:
    assert rejected_or(function_at_line(MODULE, line)) == qualname


def rejected_or(result: Definition | Rejected) -> str:
    return result.qualname if isinstance(result, Definition) else result.kind


def test_a_line_outside_functions_quotes_it() -> None:
    assert "Line 20 of <module> (`class Outer:`)" in rejected(function_at_line(MODULE, 20)).reason


def test_a_line_past_the_end_says_how_long_the_module_is() -> None:
    assert "has 48 lines" in rejected(function_at_line(MODULE, 99)).reason


# listing and source text


def test_every_function_is_listed_in_source_order() -> None:
    assert [d.qualname for d in list_functions(MODULE)][:5] == [
        "top",
        "cached",
        "fetch",
        "Outer.method",
        "Outer.method.helper",
    ]


def test_a_module_that_does_not_parse_lists_nothing_and_says_why() -> None:
    assert rejected(list_functions("def (")).kind == "syntax"


def test_the_source_of_a_method_is_its_text_as_written() -> None:
    assert function_source(MODULE, "Outer.Inner.deep") == (
        "        async def deep(self):\n"
        "            return 1\n"
        "            # a comment the body owns\n"
    )


# the module files of a dotted name


FILES = ["src/pkg/mod.py", "pkg/mod/__init__.py", "pkg/mod.py", "pkg/__init__.py", "tests/t.py"]


def test_a_dotted_name_maps_to_module_files_longest_module_first() -> None:
    assert module_paths("pkg.mod.Class.method", FILES) == (
        ModuleMatch("pkg/mod.py", "Class.method"),
        ModuleMatch("pkg/mod/__init__.py", "Class.method"),
        ModuleMatch("src/pkg/mod.py", "Class.method"),
        ModuleMatch("pkg/__init__.py", "mod.Class.method"),
    )


def test_a_dotted_name_with_no_module_file_maps_to_nothing() -> None:
    assert module_paths("other.func", FILES) == ()


def test_windows_separators_are_read_as_slashes() -> None:
    assert module_paths("pkg.mod.f", ["pkg\\mod.py"]) == (ModuleMatch("pkg/mod.py", "f"),)


# statement spans: the fast path agrees with libcst's public position provider


@pytest.mark.parametrize(
    "source",
    [
        MODULE,
        MODULE.replace("\n", "\r\n"),
        MODULE.replace("    ", "\t"),
        "def f():\n    return 1",
        *[p.read_text() for p in sorted(Path("tasks/example/wordfreq").glob("*.py"))],
    ],
)
def test_statement_spans_match_the_public_position_provider(source: str) -> None:
    module = cst.parse_module(source)
    assert statement_spans(module, source) == public_spans(module, source)
