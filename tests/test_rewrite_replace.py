"""replace_function: before/after pairs, the zero-byte round trip, and every kind of rejection."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.rewrite import (
    Definition,
    Rejected,
    RejectionKind,
    Replaced,
    function_source,
    list_functions,
    replace_function,
)

PASS = cst.IndentedBlock([cst.SimpleStatementLine([cst.Pass()])])
FRAGMENTS = [
    "async def deep(self, *, key: str = 'k') -> str:\n",
    "    return key\n",
    "  ",
    "\t",
    "import os\n",
    "X = 1\n",
    "class A:\n",
    "(",
    ")",
    "\n",
    "\r\n",
    "# c\n",
    "@d\n",
    '"""',
    "\\",
    "\x00",
    "\u00e9",
    ":",
    "pass",
    "from __future__ import x\n",
    "*",
    "await x\n",
]


def replaced(
    module: str | bytes,
    qualname: str,
    candidate: str,
    path: str = "<module>",
    line: int | None = None,
) -> Replaced:
    source = textwrap.dedent(module) if isinstance(module, str) else module
    result = replace_function(source, qualname, textwrap.dedent(candidate), path=path, line=line)
    assert isinstance(result, Replaced), result
    return result


def functions(module: str) -> tuple[Definition, ...]:
    found = list_functions(module)
    assert isinstance(found, tuple), found
    return found


def assert_replaces(module: str, qualname: str, candidate: str, after: str) -> None:
    assert replaced(module, qualname, candidate).source == textwrap.dedent(after)


def reason(module: str | bytes, qualname: str, candidate: str, kind: RejectionKind) -> str:
    source = textwrap.dedent(module) if isinstance(module, str) else module
    result = replace_function(source, qualname, textwrap.dedent(candidate))
    assert isinstance(result, Rejected) and result.kind == kind, result
    return result.reason


TRICKY = textwrap.dedent(
    '''\
    """Comments, decorators, odd indentation and strings that must survive untouched."""

    import functools  # used below


    # a comment above f
    @functools.lru_cache(maxsize=None)  # cache it
    # a comment between the decorator and the def
    def f(
        a,  # the first
        b: int = 10,
    ) -> int:  # a comment on the def line
        """Docstring."""
        text = """
    not indented
        """
        return (a +
          b)
        # a trailing comment the body owns


    class Outer:
      class Inner:
          async def deep(self, *, key: str = "k") -> str:
              if key:
                  return key.upper()
              return (
          key
              )

    def last(): return 1'''
)


TABS = "class A:\n\t# tabs\n\tdef m(self):\n\t\tif self:\n\t\t\treturn (\n\t1)\n\t\treturn 2\n"


@pytest.mark.parametrize(
    "module",
    [TRICKY, TRICKY.replace("\n", "\r\n"), "\ufeff" + TRICKY, TABS],
    ids=["lf", "crlf", "bom", "tabs"],
)
def test_every_function_replaced_by_its_own_source_changes_no_byte(module: str) -> None:
    for definition in functions(module):
        own = function_source(module, definition.qualname)
        assert isinstance(own, str)
        assert replace_function(module, definition.qualname, own) == Replaced(module, "")


@pytest.mark.parametrize("module", [TRICKY, TRICKY.replace("\n", "\r\n")], ids=["lf", "crlf"])
def test_a_replacement_is_undone_by_replacing_back(module: str) -> None:
    for definition in functions(module):
        own, name = function_source(module, definition.qualname), definition.qualname
        stub = cst.Module([definition.node.with_changes(body=PASS)]).code
        back = replace_function(replaced(module, name, stub).source, name, str(own))
        assert isinstance(back, Replaced) and back.source == module


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=12).map("".join))
def test_no_candidate_makes_it_raise(candidate: str) -> None:
    assert isinstance(replace_function(TRICKY, "Outer.Inner.deep", candidate), Replaced | Rejected)


def test_mixed_tabs_and_spaces_that_libcst_refuses_are_rejected_not_misread() -> None:
    mixed = TRICKY.replace("    ", "\t")  # Python accepts it; libcst's tokenizer does not
    assert "tokenizer error" in reason(
        mixed, "f", "def f(a, b: int = 10) -> int:\n    pass\n", "syntax"
    )


def test_the_round_trip_holds_for_bytes_too() -> None:
    data = TRICKY.encode()
    assert replace_function(data, "f", str(function_source(data, "f"))).diff == ""


# what is kept and what is replaced


def test_the_body_is_replaced_and_the_lines_around_it_are_kept() -> None:
    candidate = """\
        @functools.lru_cache(maxsize = None)
        def f(a, b: int = 10) -> int:
            return a + b
        """
    body = TRICKY[TRICKY.index('    """Docstring."""') : TRICKY.index("    # a trailing")]
    assert replaced(TRICKY, "f", candidate).source == TRICKY.replace(body, "    return a + b\n")


def test_a_method_of_a_nested_class_takes_its_class_indentation() -> None:
    candidate = 'async def deep(self, *, key: str="k") -> str:\n    return key\n'
    after = replaced(TRICKY, "Outer.Inner.deep", candidate)
    assert (
        '      async def deep(self, *, key: str = "k") -> str:\n          return key\n'
        in after.source
    )


def test_a_one_line_body_is_replaced() -> None:
    assert replaced(TRICKY, "last", "def last():\n    return 2\n").source.endswith(
        "def last():\n    return 2"
    )


def test_an_indented_candidate_keeps_its_strings_exactly() -> None:
    assert_replaces(
        """\
        class A:
            def m(self):
                return 1
        """,
        "A.m",
        '''\
            def m(self):
                return """
            kept
        """
        ''',
        '''\
        class A:
            def m(self):
                return """
            kept
        """
        ''',
    )


def test_a_candidate_written_with_spaces_takes_the_modules_tabs() -> None:
    assert_replaces(
        "class A:\n\tdef m(self):\n\t\treturn 1\n",
        "A.m",
        "def m(self):\n    if self:\n        return 2\n    return 1\n",
        "class A:\n\tdef m(self):\n\t\tif self:\n\t\t\treturn 2\n\t\treturn 1\n",
    )


def test_a_candidate_takes_the_indentation_unit_of_the_body_it_replaces() -> None:
    assert_replaces(
        "def f():\n  return 1\n\n\ndef g():\n    return 2\n",
        "f",
        "def f():\n    if True:\n        return 3\n",
        "def f():\n  if True:\n    return 3\n\n\ndef g():\n    return 2\n",
    )


def test_a_crlf_module_stays_crlf() -> None:
    after = replaced("def f():\r\n    return 1\r\n", "f", "def f():\n    x = 1\n    return x\n")
    assert after.source == "def f():\r\n    x = 1\r\n    return x\r\n"


def test_a_module_without_a_final_newline_stays_without_one() -> None:
    assert_replaces(
        "def f():\n    return 1", "f", "def f():\n    return 2\n", "def f():\n    return 2"
    )


def test_a_byte_order_mark_is_kept() -> None:
    data = "\ufeffdef f():\n    return 1\n".encode()
    assert (
        replaced(data, "f", "def f():\n    return 2\n").source == "\ufeffdef f():\n    return 2\n"
    )


def test_a_nested_function_is_replaced_in_place() -> None:
    assert_replaces(
        "def outer():\n    def inner():\n        return 1\n    return inner()\n",
        "outer.inner",
        "def inner():\n    return 2\n",
        "def outer():\n    def inner():\n        return 2\n    return inner()\n",
    )


def test_a_line_picks_one_of_two_conditional_definitions() -> None:
    module = "if X:\n    def f():\n        return 1\nelse:\n    def f():\n        return 2\n"
    after = replaced(module, "f", "def f():\n    return 3\n", line=5)
    assert after.source == module.replace("return 2", "return 3")


def test_a_signature_formatted_differently_is_the_same_signature() -> None:
    after = replaced(
        "def f(a, b='x'):\n    return a\n", "f", 'def f(\n    a,\n    b="x",\n):\n    return b\n'
    )
    assert after.source == "def f(a, b='x'):\n    return b\n"


# imports


def test_new_imports_go_after_the_modules_imports_and_present_ones_are_skipped() -> None:
    assert_replaces(
        """\
        import os
        from collections import Counter  # counting

        LIMIT = 3
        import late


        def f():
            return 1
        """,
        "f",
        """\
        import os
        from collections import Counter, defaultdict
        import re  # for the pattern
        def f():
            return 2
        """,
        """\
        import os
        from collections import Counter  # counting

        LIMIT = 3
        import late
        from collections import defaultdict
        import re  # for the pattern


        def f():
            return 2
        """,
    )


def test_an_import_the_module_has_only_for_type_checkers_is_added_for_real() -> None:
    assert_replaces(
        """\
        from typing import TYPE_CHECKING

        if TYPE_CHECKING:
            from decimal import Decimal


        def f(x):
            return x
        """,
        "f",
        "from decimal import Decimal\ndef f(x):\n    return Decimal(x)\n",
        """\
        from typing import TYPE_CHECKING
        from decimal import Decimal

        if TYPE_CHECKING:
            from decimal import Decimal


        def f(x):
            return Decimal(x)
        """,
    )


def test_new_imports_follow_the_docstring_when_the_module_has_no_imports() -> None:
    assert_replaces(
        '"""Doc."""\n\n\ndef f():\n    return 1\n',
        "f",
        "import os\ndef f():\n    return os.sep\n",
        '"""Doc."""\n\nimport os\n\n\ndef f():\n    return os.sep\n',
    )


def test_new_imports_open_a_module_that_has_neither_imports_nor_docstring() -> None:
    assert_replaces(
        "def f():\n    return 1\n",
        "f",
        "import os\ndef f():\n    return os.sep\n",
        "import os\n\ndef f():\n    return os.sep\n",
    )


# helpers


def test_helpers_go_before_the_function_and_its_comment_stays_on_it() -> None:
    assert_replaces(
        """\
        import re


        # split words
        def f(text):
            return text.split()
        """,
        "f",
        """\
        import re

        _WORD = re.compile(r"\\w+")


        def f(text):
            return _WORD.findall(text)
        """,
        """\
        import re


        _WORD = re.compile(r"\\w+")


        # split words
        def f(text):
            return _WORD.findall(text)
        """,
    )


def test_helpers_of_a_method_go_before_its_class() -> None:
    assert_replaces(
        "X = 1\n\n\nclass A:\n    def m(self):\n        return 1\n",
        "A.m",
        "def _one():\n    return 1\n\n\ndef m(self):\n    return _one()\n",
        "X = 1\n\n\ndef _one():\n    return 1\n\n\nclass A:\n    def m(self):\n        return _one()\n",
    )


def test_a_helper_the_module_already_has_is_not_added_again() -> None:
    assert_replaces(
        "_K = {'a': 1}\n\n\ndef f():\n    return 1\n",
        "f",
        '_K = {"a": 1}\ndef f():\n    return _K\n',
        "_K = {'a': 1}\n\n\ndef f():\n    return _K\n",
    )


# the diff and the decorators


def test_the_diff_names_the_path_on_both_sides() -> None:
    diff = replaced(
        "def f():\n    return 1\n", "f", "def f():\n    return 2\n", path="pkg/m.py"
    ).diff
    assert diff.startswith("--- a/pkg/m.py\n+++ b/pkg/m.py\n@@ -1,2 +1,2 @@\n")


def test_an_unchanged_function_has_an_empty_diff() -> None:
    assert not replaced("def f():\n    return 1\n", "f", "def f():\n    return 1\n").changed


def test_decorators_written_differently_are_the_same_decorators() -> None:
    after = replaced(
        "@cache(size=1)\ndef f():\n    return 1\n",
        "f",
        "@cache(size = 1)\ndef f():\n    return 2\n",
    )
    assert after.source == "@cache(size=1)\ndef f():\n    return 2\n"


def test_decorators_change_when_the_candidate_says_why() -> None:
    after = replaced(
        "@slow\ndef f():\n    return 1\n",
        "f",
        "# ratchet: decorators changed because slow only logged\ndef f():\n    return 1\n",
    )
    assert (after.source, after.decorators_changed) == (
        "def f():\n    return 1\n",
        "slow only logged",
    )


@pytest.mark.parametrize(
    "candidate",
    [
        "# ratchet: decorators changed because cached is wrong here\nimport os\ndef f():\n    pass\n",
        "    # ratchet: decorators changed because cached is wrong here\n    def f():\n        pass\n",
    ],
    ids=["above-an-import", "indented"],
)
def test_the_reason_for_new_decorators_may_open_the_candidate(candidate: str) -> None:
    result = replaced("@cached\ndef f():\n    return 1\n", "f", candidate)
    assert result.decorators_changed == "cached is wrong here"


# rejections


def test_bytes_that_are_not_utf8_are_rejected_with_the_line() -> None:
    assert "byte 0xe9 on line 2" in reason(b"x = 1\n# caf\xe9\n", "f", "", "encoding")


@pytest.mark.parametrize(
    "module", [b"# -*- coding: latin-1 -*-\nx = 1\n", "# coding: cp1252\nx = 1\n"]
)
def test_a_coding_cookie_other_than_utf8_is_rejected(module: str | bytes) -> None:
    assert "re-encode it as UTF-8" in reason(module, "f", "", "encoding")


def test_a_module_that_does_not_parse_is_rejected_with_line_and_column() -> None:
    assert "line 2, column 12: '(' was never closed (`return (1,`)" in reason(
        "def f():\n    return (1,\n", "f", "", "syntax"
    )


def test_a_target_that_is_not_there_is_rejected() -> None:
    assert "did you mean `fetch`?" in reason("def fetch():\n    pass\n", "fecth", "", "not-found")


def test_an_ambiguous_target_is_rejected() -> None:
    module = "def f():\n    pass\n\n\ndef f():\n    pass\n"
    assert "at line 1 and line 5" in reason(module, "f", "def f():\n    pass\n", "ambiguous")


def test_a_candidate_that_does_not_parse_is_rejected_quoting_the_line() -> None:
    assert "line 2, column 12: invalid syntax (`retrun 1`)" in reason(
        "def f():\n    pass\n", "f", "def f():\n    retrun 1\n", "candidate-syntax"
    )


def test_an_indented_candidate_that_does_not_parse_counts_its_own_lines() -> None:
    text = reason(
        "def f():\n    pass\n", "f", "    def f():\n        return (\n", "candidate-syntax"
    )
    assert "line 2" in text and "`return (`" in text


@pytest.mark.parametrize(
    ("candidate", "quoted"),
    [
        ("print('hi')\ndef f():\n    pass\n", "`print('hi')`"),
        ("if X:\n    Y = 1\ndef f():\n    pass\n", "`if X:`"),
        ("import os; X = 1\ndef f():\n    pass\n", "`import os; X = 1`"),
    ],
)
def test_a_candidate_with_other_statements_is_rejected_quoting_them(
    candidate: str, quoted: str
) -> None:
    assert quoted in reason("def f():\n    pass\n", "f", candidate, "candidate-content")


def test_a_helper_that_assigns_an_attribute_is_rejected() -> None:
    text = reason(
        "def f():\n    pass\n", "f", "os.sep = '/'\ndef f():\n    pass\n", "candidate-content"
    )
    assert "bind new names only" in text


@pytest.mark.parametrize(
    ("candidate", "said"),
    [
        ("from __future__ import annotations\ndef f():\n    pass\n", "must open the module"),
        ("from os.path import *\ndef f():\n    pass\n", "star imports"),
    ],
)
def test_future_and_star_imports_are_rejected(candidate: str, said: str) -> None:
    assert said in reason("def f():\n    pass\n", "f", candidate, "candidate-content")


def test_a_present_future_import_is_fine() -> None:
    module = "from __future__ import annotations\n\n\ndef f():\n    pass\n"
    assert replaced(
        module, "f", "from __future__ import annotations\ndef f():\n    return 1\n"
    ).changed


@pytest.mark.parametrize(
    ("candidate", "said"),
    [
        ("def g():\n    pass\n", "defines no function `f`; it defines `g` instead"),
        ("X = 1\n", "defines no function `f`."),
        ("def f():\n    pass\ndef f():\n    pass\n", "defines `f` 2 times"),
        ("class A:\n    def f(self):\n        pass\n", "only inside `class A`"),
    ],
)
def test_a_candidate_must_define_the_function_exactly_once(candidate: str, said: str) -> None:
    assert said in reason(
        "class A:\n    def f(self):\n        pass\n", "A.f", candidate, "definition-count"
    )


SIGNED = "async def f(a, /, b: int = 10, *args, c, **kw) -> int:\n    return 1\n"


@pytest.mark.parametrize(
    ("candidate", "said"),
    [
        (
            "async def f(a, /, b: int, *args, c, **kw) -> int:",
            "parameter `b` lost its default `10`",
        ),
        (
            "async def f(a, /, b: int = 11, *args, c, **kw) -> int:",
            "default changed from `10` to `11`",
        ),
        (
            "async def f(a, /, b=10, *args, c, **kw) -> int:",
            "parameter `b` lost its annotation `int`",
        ),
        ("async def f(a, /, b: int = 10, *args, c, d, **kw) -> int:", "parameter `d` was added"),
        ("async def f(a, /, b: int = 10, *args, **kw) -> int:", "parameter `c` was removed"),
        (
            "async def f(b: int = 10, a=1, /, *args, c, **kw) -> int:",
            "reordered from (a, b, args, c, kw)",
        ),
        (
            "async def f(a, b: int = 10, *args, c, **kw) -> int:",
            "`a` was positional-only and became",
        ),
        ("def f(a, /, b: int = 10, *args, c, **kw) -> int:", "it was `async def`"),
        (
            "async def f(a, /, b: int = 10, *args, c, **kw):",
            "the return annotation `int` was removed",
        ),
    ],
)
def test_a_changed_signature_is_rejected_saying_how(candidate: str, said: str) -> None:
    text = reason(SIGNED, "f", candidate + "\n    return 2\n", "signature")
    assert said in text and "`async def f(a, /, b: int = 10, *args, c, **kw) -> int`" in text


def test_changed_decorators_without_a_reason_are_rejected() -> None:
    text = reason("@cache\ndef f():\n    pass\n", "f", "def f():\n    pass\n", "decorators")
    assert "`@cache` was removed" in text and "# ratchet: decorators changed because" in text


@pytest.mark.parametrize(
    ("candidate", "said"),
    [
        (
            "LIMIT = 5\ndef f():\n    pass\n",
            "would rebind `LIMIT`, which <module> already binds at line 2 (`LIMIT = 3`)",
        ),
        (
            "from re import compile as os\ndef f():\n    pass\n",
            "would rebind `os`, which <module> already binds at line 1",
        ),
        ("def len(x):\n    return 0\ndef f():\n    pass\n", "would shadow the builtin `len`"),
        ("from os import open\ndef f():\n    pass\n", "would shadow the builtin `open`"),
    ],
)
def test_a_helper_or_import_that_rebinds_a_name_is_rejected(candidate: str, said: str) -> None:
    assert said in reason(
        "import os\nLIMIT = 3\n\n\ndef f():\n    pass\n", "f", candidate, "collision"
    )


def test_another_submodule_of_an_imported_package_is_no_collision() -> None:
    assert replaced(
        "import os\n\n\ndef f():\n    pass\n", "f", "import os.path\ndef f():\n    pass\n"
    ).changed


@pytest.mark.parametrize(
    ("expression", "said"),
    [
        ("-" * 100_000 + "1", "too deeply to be parsed safely"),
        ("[" * 5_000, "too many nested parentheses"),
        ("1 + " * 1_500 + "1", "deeper than libcst can handle"),
    ],
    ids=["python-refuses", "too-many-brackets", "libcst-recursion"],
)
def test_an_expression_nested_too_deeply_is_rejected_not_crashed_on(
    expression: str, said: str
) -> None:
    text = reason(
        "def f():\n    pass\n", "f", f"def f():\n    return {expression}\n", "candidate-syntax"
    )
    assert said in text


def test_a_module_nested_too_deeply_is_rejected() -> None:
    module = "def f():\n    return " + "1 + " * 1_500 + "1\n"
    assert "deeper than libcst can print" in reason(module, "f", "def f():\n    pass\n", "syntax")


def test_a_body_that_cannot_compile_in_place_is_rejected() -> None:
    text = reason("def f():\n    pass\n", "f", "def f():\n    return await g()\n", "compile")
    assert "'await' outside async function at line 2 (`return await g()`)" in text
