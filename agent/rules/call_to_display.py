"""call-to-display: `dict()`, `list()`, `tuple()` and `dict(a=x)` become `{}`, `[]`, `()`, `{"a": x}`."""

from __future__ import annotations

import unicodedata

import libcst as cst

from ._blocks import compiles, spelled_names
from .base import Rewrite, Rule, builtin_is_free

_EMPTY = {"dict": "{}", "list": "[]", "tuple": "()"}


class CallToDisplay(Rule):
    """A call of the builtin `dict`, `list` or `tuple` with no arguments becomes the empty
    display `{}`, `[]` or `()`; `dict(a=x, b=y)` with keyword arguments only (no `**`) becomes
    `{"a": x, "b": y}`. Only where the module and the function bind none of those names (so
    each is the builtin type), in the function's own body, lambdas and comprehensions included
    (nested defs and classes are functions of their own; parameter defaults run once anyway).

    Why the behaviour is the same: each call makes a new empty dict or list, or the empty tuple
    (one shared object in CPython, which `()` is too); the display makes an equal new one of
    the same exact type. `dict(a=x, b=y)` builds a dict from the keywords in the order written,
    the keys being str; the display evaluates `x` then `y` in the same order and inserts the
    same keys in the same order (a keyword cannot repeat, so no key is overwritten). Only the
    name lookup and the call of the type are saved.
    """

    name = "call-to-display"
    DESCRIPTION = __doc__ or ""

    def rewrite(self, function: cst.FunctionDef, module: cst.Module) -> Rewrite | None:
        candidates = spelled_names(function) & set(_EMPTY)
        free = {name for name in candidates if builtin_is_free(name, function, module)}
        if not free:
            return None
        displays = _Displays(free)
        new = function.with_changes(body=function.body.visit(displays))
        return Rewrite(new) if displays.fired and compiles(new) else None


class _Displays(cst.CSTTransformer):
    def __init__(self, free: set[str]) -> None:
        super().__init__()
        self.free, self.fired = free, False

    def on_visit(self, node: cst.CSTNode) -> bool:
        return not isinstance(node, (cst.FunctionDef, cst.ClassDef)) and super().on_visit(node)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        func = updated_node.func
        if not isinstance(func, cst.Name) or func.value not in self.free:
            return updated_node
        display = _display(func.value, updated_node)
        if display is None:
            return updated_node
        self.fired = True
        return display.with_changes(
            lpar=[*updated_node.lpar, *display.lpar], rpar=[*display.rpar, *updated_node.rpar]
        )


def _display(builtin: str, call: cst.Call) -> cst.BaseExpression | None:
    if not call.args:
        return cst.parse_expression(_EMPTY[builtin])
    keywords = [arg.keyword.value for arg in call.args if arg.keyword is not None and not arg.star]
    if builtin != "dict" or len(keywords) != len(call.args) or not all(map(_plain, keywords)):
        return None
    elements = [
        cst.DictElement(cst.SimpleString(f'"{key}"'), arg.value, comma=arg.comma)
        for key, arg in zip(keywords, call.args, strict=True)
    ]
    brace = cst.LeftCurlyBrace(whitespace_after=call.whitespace_before_args)
    return cst.Dict(elements, lbrace=brace)


def _plain(keyword: str) -> bool:
    """The keyword is the key its text spells: Python NFKC-normalizes identifiers (`ﬁ` is
    `fi`), not string literals."""
    return unicodedata.normalize("NFKC", keyword) == keyword


RULE = CallToDisplay()
