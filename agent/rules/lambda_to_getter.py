"""lambda-to-getter: `key=lambda o: o.count` becomes `operator.attrgetter("count")`, a C call."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from ._blocks import compiles, descendants, spelled_names
from ._imports import reach
from .base import Rewrite, Rule, builtin_is_free

_KEYED = ("sorted", "min", "max")  # take the function as `key=`
_MAPPING = ("map", "filter")  # take it as the first of exactly two positional arguments
_INDEX = m.Integer() | m.UnaryOperation(m.Minus(), m.Integer()) | m.SimpleString()


class LambdaToGetter(Rule):
    """`lambda o: o.a` (or `o.a.b`) becomes `operator.attrgetter("a")` (`"a.b"`), and
    `lambda o: o[k]` becomes `operator.itemgetter(k)`, where the lambda is the `key=` argument
    of the builtin sorted, min or max, or the first of exactly two positional arguments (and no
    keywords) of the builtin map or filter; `k` is an int literal, a negated one, or a str or
    bytes literal. The lambda has exactly one plain parameter (no default, no `*`), and its
    body is exactly that attribute chain or subscript of the parameter. No attribute name
    starts with `__` (inside a class, `o.__x` is mangled to `o._C__x`, the string would not be).
    The builtins are the builtins (the module and the function bind none of them), and
    `operator` is named as the module's own `from operator import attrgetter`, or `operator.`
    with `import operator` (when the module binds `operator` only by importing it).

    Why the behaviour is the same: those five builtins only call the function, once per
    element, with the element as its one argument, and never look at what kind of callable it
    is. `attrgetter("a.b")(o)` looks up `o.a` then `.b` with getattr, which is what the
    attribute expressions do (descriptors, `__getattr__` and AttributeError alike);
    `itemgetter(k)(o)` is `o[k]` (`__getitem__` or `__class_getitem__`, and the same
    KeyError, IndexError or TypeError). The lambda reads no name but its parameter, so it
    computes the same whenever it is called, and the getter is built at the same point the
    lambda was. What differs is not a value: a traceback has one frame less, and each call
    uses one frame less of the recursion limit. Only the Python-level call per element is saved.
    """

    name = "lambda-to-getter"
    DESCRIPTION = __doc__ or ""

    def rewrite(self, function: cst.FunctionDef, module: cst.Module) -> Rewrite | None:
        if not spelled_names(function) & {*_KEYED, *_MAPPING}:
            return None
        if not any(isinstance(node, cst.Lambda) for node in descendants(function)):
            return None
        free = {n for n in (*_KEYED, *_MAPPING) if builtin_is_free(n, function, module)}
        getters = {g: reach("operator", g, function, module) for g in ("attrgetter", "itemgetter")}
        swap = _Swap(free, {g: r[0] for g, r in getters.items() if r is not None})
        new = function.with_changes(body=function.body.visit(swap))
        if not swap.used or not compiles(new):
            return None
        imports = {line for kind in swap.used for line in _imports(getters[kind])}
        return Rewrite(new, imports=tuple(sorted(imports)))


class _Swap(cst.CSTTransformer):
    def __init__(self, free: set[str], spelling: dict[str, str]) -> None:
        super().__init__()
        self.free, self.spelling, self.used = free, spelling, set[str]()

    def on_visit(self, node: cst.CSTNode) -> bool:
        return not isinstance(node, (cst.FunctionDef, cst.ClassDef)) and super().on_visit(node)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        func = updated_node.func
        if not isinstance(func, cst.Name) or func.value not in self.free:
            return updated_node
        args = list(updated_node.args)
        if func.value in _KEYED:
            slots = [i for i, a in enumerate(args) if m.matches(a, m.Arg(keyword=m.Name("key")))]
        else:
            plain = len(args) == 2 and all(not a.keyword and not a.star for a in args)
            slots = [0] if plain else []
        for slot in slots:
            getter = self._getter(args[slot].value)
            if getter is not None:
                args[slot] = args[slot].with_changes(value=getter)
        return updated_node.with_changes(args=args)

    def _getter(self, value: cst.BaseExpression) -> cst.BaseExpression | None:
        found = _getter_of(value)
        if found is None or found[0] not in self.spelling:
            return None
        kind, argument = found
        self.used.add(kind)
        call = cst.parse_expression(f"{self.spelling[kind]}({argument})")
        return call.with_changes(lpar=value.lpar, rpar=value.rpar)


def _getter_of(value: cst.BaseExpression) -> tuple[str, str] | None:
    """("attrgetter", '"a.b"') for `lambda o: o.a.b`, ("itemgetter", "k") for `lambda o: o[k]`."""
    if not isinstance(value, cst.Lambda) or not _one_plain_parameter(value.params):
        return None
    parameter, body = value.params.params[0].name.value, value.body
    if body.lpar or body.rpar:  # `lambda o: (o.a)`: fine, but rare enough to leave
        return None
    if m.matches(body, m.Subscript(m.Name(parameter), [m.SubscriptElement(m.Index(_INDEX))])):
        element = cst.ensure_type(body, cst.Subscript).slice[0]
        index = cst.ensure_type(element.slice, cst.Index)
        if element.comma != cst.MaybeSentinel.DEFAULT or getattr(index, "star", None):
            return None  # `o[0,]` is `o[(0,)]`
        return "itemgetter", cst.Module([]).code_for_node(index.value)
    names: list[str] = []
    while isinstance(body, cst.Attribute) and not (body.lpar or body.rpar):
        names.insert(0, body.attr.value)
        body = body.value
    if not names or not m.matches(body, m.Name(parameter)) or body.lpar:
        return None
    if any(name.startswith("__") for name in names):
        return None
    return "attrgetter", '"' + ".".join(names) + '"'


def _imports(reached: tuple[str, tuple[str, ...]] | None) -> tuple[str, ...]:
    return reached[1] if reached is not None else ()


def _one_plain_parameter(params: cst.Parameters) -> bool:
    return (
        len(params.params) == 1
        and params.params[0].default is None
        and not params.posonly_params
        and not params.kwonly_params
        and isinstance(params.star_arg, cst.MaybeSentinel)
        and params.star_kwarg is None
    )


RULE = LambdaToGetter()
