"""sorted-index-to-min-max: take the smallest or largest element without sorting them all."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from ._blocks import spelled_names
from ._facts import annotation_head
from .base import Rewrite, Rule, assigned_names, builtin_is_free

_FIRST = m.Subscript(slice=[m.SubscriptElement(m.Index(m.Integer("0")))])
_LAST = m.Subscript(
    slice=[m.SubscriptElement(m.Index(m.UnaryOperation(m.Minus(), m.Integer("1"))))]
)
_MAPPINGS = frozenset({"dict", "Dict", "Mapping", "MutableMapping", "OrderedDict", "Counter"})
_COLLECTIONS = _MAPPINGS | {
    "list", "List", "tuple", "Tuple", "set", "Set", "frozenset", "FrozenSet", "AbstractSet",
    "Sequence", "MutableSequence", "Collection", "Iterable", "Iterator", "KeysView",
}  # fmt: skip


class SortedIndexToMinMax(Rule):
    """Fires on `sorted(x, ...)[0]` and `sorted(x, ...)[-1]` when `sorted`, `min` and `max`
    are the builtins (nothing in the module or the function binds them), the call has exactly
    one positional argument, no `*`/`**` arguments, and no keywords but `key=` and a literal
    `reverse=True` or `reverse=False`; the index is the literal `0` or `-1`:

        sorted(x)[0]                       -> min(x)
        sorted(x, key=k)[0]                -> min(x, key=k)
        sorted(x, reverse=True)[0]         -> max(x)
        sorted(x, key=k, reverse=True)[0]  -> max(x, key=k)
        sorted(x)[-1]                      -> max(x)   only when x's elements are strs
        sorted(x, reverse=True)[-1]        -> min(x)   likewise

    Why the result is the same: `sorted` is stable, also with `reverse=True`, so `sorted(x)[0]`
    is the FIRST (in iteration order) of the smallest elements and `sorted(x, reverse=True)[0]`
    the first of the largest; `min` and `max` scan in order and replace their candidate only on
    a strict `<` / `>`, so they return the first as well. Both call `key` once per element, in
    order, and evaluate `x` and `k` once, in the same order.

    `[-1]` is the LAST of the extreme elements while `max`/`min` return the first: the same
    value only when equal elements are interchangeable. They are not for `1`, `1.0` and `True`,
    for `0.0` and `-0.0`, or for records that tie under `key`. So `[-1]` fires only without
    `key=` and when `x` is a string literal or a parameter, never rebound, annotated `str` or a
    collection of `str` (`list[str]`, `Sequence[str]`, `tuple[str, ...]`, `dict[str, int]`...):
    equal strings are the same text. (Not bytes: type checkers have let a bytearray pass for
    bytes, and `bytearray(b"a") == b"a"`.) The annotation is trusted (a str subclass with its own
    ordering is not supported); the gate replays the recorded inputs, whose types are real.

    Where it may differ, left to the gate because each is a different outcome on some input,
    which the gate's replay and generated inputs (empty lists, NaN floats) can observe: an
    empty `x` raises IndexError before and ValueError after; under a partial order (NaN among
    floats, sets ordered by inclusion) which element a sort puts first depends on the
    algorithm. No side effect runs a different number of times, except comparisons (an `__lt__`
    with side effects is not supported).
    """

    DESCRIPTION = __doc__ or ""
    name = "sorted-index-to-min-max"

    def rewrite(self, function: cst.FunctionDef, module: cst.Module) -> Rewrite | None:
        if "sorted" not in spelled_names(function):
            return None
        if not all(builtin_is_free(b, function, module) for b in ("sorted", "min", "max")):
            return None
        transformer = _TakeExtreme(_text_element_params(function))
        rewritten = cst.ensure_type(function.visit(transformer), cst.FunctionDef)
        return Rewrite(rewritten) if transformer.fired else None


class _TakeExtreme(cst.CSTTransformer):
    def __init__(self, text_names: set[str]) -> None:
        super().__init__()
        self.text_names = text_names
        self.fired = False

    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript
    ) -> cst.BaseExpression:
        last = m.matches(updated_node, _LAST)
        call = updated_node.value
        if not (last or m.matches(updated_node, _FIRST)) or not isinstance(call, cst.Call):
            return updated_node
        parts = _sorted_parts(call)
        if parts is None:
            return updated_node
        args, reverse = parts
        if last and (len(args) > 1 or not self._text_elements(args[0].value)):
            return updated_node
        self.fired = True
        largest = last != reverse
        if len(args) < len(call.args):  # `reverse=` dropped: no comma after the new last argument
            args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return call.with_changes(
            func=cst.Name("max" if largest else "min"),
            args=args,
            lpar=[*updated_node.lpar, *call.lpar],
            rpar=[*call.rpar, *updated_node.rpar],
        )

    def _text_elements(self, iterable: cst.BaseExpression) -> bool:
        """`iterable` yields only strs: a string literal, or a parameter declared so."""
        if isinstance(iterable, (cst.SimpleString, cst.ConcatenatedString)):
            return True
        return isinstance(iterable, cst.Name) and iterable.value in self.text_names


def _sorted_parts(call: cst.Call) -> tuple[list[cst.Arg], bool] | None:
    """The arguments to keep (the iterable, then `key=` if given) and whether `reverse=True`,
    or None when this is not `sorted` of one iterable with only those keywords."""
    if not (call.args and m.matches(call.func, m.Name("sorted"))):
        return None
    iterable, *keywords = call.args
    if iterable.keyword or iterable.star:
        return None
    kept, reverse = [iterable], False
    for arg in keywords:
        if m.matches(arg, m.Arg(keyword=m.Name("key"), star="")):
            kept.append(arg)
        elif m.matches(arg, m.Arg(m.Name("True") | m.Name("False"), keyword=m.Name("reverse"))):
            reverse = m.matches(arg.value, m.Name("True"))
        else:
            return None
    return kept, reverse


def _text_element_params(function: cst.FunctionDef) -> set[str]:
    """Parameters, never rebound, whose annotation says that every element is a str."""
    params = [*function.params.posonly_params, *function.params.params]
    params += function.params.kwonly_params
    rebound = assigned_names(function.body)
    return {
        param.name.value
        for param in params
        if param.annotation is not None and _text_elements(param.annotation.annotation)
        if param.name.value not in rebound
    }


def _text_elements(annotation: cst.BaseExpression) -> bool:
    head = annotation_head(annotation)
    if head == "str":
        return True
    if head not in _COLLECTIONS or not isinstance(annotation, cst.Subscript):
        return False
    elements = [e.slice.value for e in annotation.slice if isinstance(e.slice, cst.Index)]
    if head in _MAPPINGS:
        elements = elements[:1]
    heads = {annotation_head(e) for e in elements if not isinstance(e, cst.Ellipsis)}
    return heads == {"str"}


RULE = SortedIndexToMinMax()
