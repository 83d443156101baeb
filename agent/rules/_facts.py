"""Value-kind facts: which names and expressions are provably a str, an int, ... in one function.

A kind is "str", "bytes", "int", "float", "bool" or "none": what an expression is whenever it
evaluates without raising. Sources of facts: literals; calls of builtins the module does not
shadow; str/bytes methods on a str/bytes receiver; `%` on a str; str + str, str * int; indexing
a str; iterating a str, `.split()`, `range()`; names bound exactly once in the function (by a
parameter, a for target or an assignment) to such values; and parameter annotations (`str`,
`Iterable[str]`, `list[int]`...), trusted as mypyc trusts them: a caller that breaks a declared
type is outside what a rewrite promises to preserve.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, replace

import libcst as cst
import libcst.matchers as m

from ._attributes import self_declarations
from ._blocks import binding_counts, target_names
from .base import assigned_names

HASHABLE = frozenset({"str", "bytes", "int", "float", "bool", "none"})  # equality agrees with hash

_CALLS = {"str": "str", "repr": "str", "ascii": "str", "chr": "str", "format": "str",
          "hex": "str", "oct": "str", "bin": "str", "len": "int", "ord": "int"}  # fmt: skip
_SAME = frozenset({
    "capitalize", "casefold", "center", "expandtabs", "format", "format_map", "join", "ljust",
    "lower", "lstrip", "removeprefix", "removesuffix", "replace", "rjust", "rstrip", "strip",
    "swapcase", "title", "translate", "upper", "zfill",
})  # fmt: skip
_TO_INT = frozenset({"count", "find", "index", "rfind", "rindex"})
_SPLITS = frozenset({"split", "rsplit", "splitlines"})
_KEEP_ELEMENTS = frozenset({"sorted", "reversed", "list", "tuple", "set", "frozenset", "iter"})
_CONTAINERS = frozenset({
    "Iterable", "Iterator", "Sequence", "Collection", "MutableSequence", "AbstractSet", "Set",
    "MutableSet", "FrozenSet", "List", "Tuple", "list", "tuple", "set", "frozenset", "Reversible",
})  # fmt: skip
_SCALARS = ("str", "bytes", "int", "float", "bool")
_BUILTINS = frozenset([*_CALLS, *_KEEP_ELEMENTS, *_SCALARS, "range"])
_INT_OPERATORS = (cst.Add, cst.Subtract, cst.Multiply, cst.FloorDivide, cst.Modulo)
_ITEMS = {"str": "str", "bytes": "int"}  # what iterating a value of that kind yields


@dataclass(frozen=True)
class Facts:
    """Known kinds of names (`scalars`), of the items of names (`elements`), and which builtins
    the module leaves unshadowed."""

    scalars: Mapping[str, str]
    elements: Mapping[str, str]
    builtins: frozenset[str]

    def know(self, names: list[str], scalar: str | None, items: str | None) -> Facts:
        """Rebinding `names`: what is known of them (and of `self.x` when `self` is one of
        them) is forgotten, and what is given is known of a lone name."""

        def update(old: Mapping[str, str], kind: str | None) -> dict[str, str]:
            new = {k: v for k, v in old.items() if k not in names and _owner(k) not in names}
            return {**new, names[0]: kind} if kind is not None and len(names) == 1 else new

        return replace(
            self, scalars=update(self.scalars, scalar), elements=update(self.elements, items)
        )

    def bind(self, target: cst.CSTNode, kind: str | None) -> Facts:
        return self.know(target_names(target), kind, _ITEMS.get(kind or ""))

    def enter(self, clause: cst.CompFor) -> Facts:
        """The facts inside a comprehension whose first `for` clause is `clause`."""
        facts, current = self, clause
        while current:
            facts = facts.bind(current.target, element_kind(current.iter, facts))
            current = current.inner_for_in  # type: ignore[assignment]
        return facts


class ScopedFacts(cst.CSTTransformer):
    """A transformer over statements of one function's own scope that knows the facts in force at
    each node: inside a comprehension its variables shadow the function's names (but not in its
    first iterable, which runs outside). Nested defs, lambdas and classes are not entered."""

    def __init__(self, facts: Facts) -> None:
        super().__init__()
        self.facts = [facts]

    def on_visit(self, node: cst.CSTNode) -> bool:
        nested = isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda))
        return not nested and super().on_visit(node)

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if attribute in ("elt", "key", "value") and hasattr(node, "for_in"):
            self.facts.append(self.facts[-1].enter(node.for_in))
        elif isinstance(node, cst.CompFor) and attribute in ("ifs", "inner_for_in"):
            self.facts.append(
                self.facts[-1].bind(node.target, element_kind(node.iter, self.facts[-1]))
            )
        super().on_visit_attribute(node, attribute)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        if (attribute in ("elt", "key", "value") and hasattr(original_node, "for_in")) or (
            isinstance(original_node, cst.CompFor) and attribute in ("ifs", "inner_for_in")
        ):
            self.facts.pop()
        super().on_leave_attribute(original_node, attribute)


@functools.lru_cache(maxsize=8)
def gather_facts(function: cst.FunctionDef, module: cst.Module) -> Facts:
    """The facts in force across `function`'s own scope; remembered, since several rules ask."""
    once = {name for name, count in binding_counts(function).items() if count == 1}
    bound = assigned_names(module) | assigned_names(function)  # builtin_is_free, for many names
    free = frozenset() if "*" in bound else _BUILTINS - bound
    facts = Facts({}, {}, free)
    params = function.params
    for param in [*params.posonly_params, *params.params, *params.kwonly_params]:
        if param.name.value in once and param.annotation is not None:
            facts = facts.know([param.name.value], *_declared(param, facts))
    if (declared := self_declarations(function, module)) and declared[0] in once:
        for attribute, declaration in declared[1].items():
            facts = facts.know([f"{declared[0]}.{attribute}"], *_declared(declaration, facts))
    bindings = _OwnBindings(function)
    function.visit(bindings)
    for _ in range(2):  # a second pass settles names bound from names bound later in the text
        for name, node in (found for found in bindings.found if found[0] in once):
            if isinstance(node, cst.For):
                facts = facts.bind(node.target, element_kind(node.iter, facts))
            elif node.value is not None:  # `name = v` or `name: T = v`
                facts = facts.know(
                    [name], kind_of(node.value, facts), element_kind(node.value, facts)
                )
    return facts


class _OwnBindings(cst.CSTVisitor):
    """The `for name in ...`, `name = ...` and `name: T = ...` statements of one function's own
    scope."""

    def __init__(self, root: cst.FunctionDef) -> None:
        super().__init__()
        self.root, self.found = root, list[tuple[str, cst.For | cst.Assign | cst.AnnAssign]]()

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.For) and isinstance(node.target, cst.Name):
            self.found.append((node.target.value, node))
        elif m.matches(node, m.Assign(targets=[m.AssignTarget(m.Name())])):
            assign = cst.ensure_type(node, cst.Assign)
            self.found.append((cst.ensure_type(assign.targets[0].target, cst.Name).value, assign))
        elif isinstance(node, cst.AnnAssign) and isinstance(node.target, cst.Name):
            self.found.append((node.target.value, node))
        nested = isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda))
        return node is self.root or not nested


def _declared(
    declaration: cst.Param | cst.AnnAssign, facts: Facts
) -> tuple[str | None, str | None]:
    """(scalar kind, item kind) a parameter's or class attribute's annotation declares, if its
    default agrees."""
    note = cst.ensure_type(declaration.annotation, cst.Annotation).annotation
    scalar = note.value if isinstance(note, cst.Name) and note.value in _SCALARS else None
    items = _ITEMS.get(scalar) if scalar else _declared_items(note)
    if (scalar or items) not in facts.builtins:  # the annotation's type name is not shadowed
        return None, None
    default = declaration.default if isinstance(declaration, cst.Param) else declaration.value
    if default is None or (scalar and kind_of(default, facts) == scalar):
        return scalar, items
    empty = isinstance(default, (cst.List, cst.Tuple)) and not default.elements
    return (
        (None, items)
        if items and (empty or element_kind(default, facts) == items)
        else (None, None)
    )


def _declared_items(note: cst.BaseExpression) -> str | None:
    if not isinstance(note, cst.Subscript) or not isinstance(note.value, (cst.Name, cst.Attribute)):
        return None
    container = note.value.value if isinstance(note.value, cst.Name) else note.value.attr.value
    indexes = [e.slice.value for e in note.slice if isinstance(e.slice, cst.Index)]
    if container not in _CONTAINERS or len(indexes) != len(note.slice) or not indexes:
        return None
    variadic = container in ("tuple", "Tuple") and [type(i) for i in indexes[1:]] == [cst.Ellipsis]
    if len(indexes) != 1 and not variadic:
        return None
    first = indexes[0]
    return first.value if isinstance(first, cst.Name) and first.value in _SCALARS else None


def kind_of(expression: cst.BaseExpression, facts: Facts) -> str | None:
    """The kind of value `expression` provably has, or None."""
    match expression:
        case cst.SimpleString():
            return "bytes" if "b" in expression.prefix.lower() else "str"
        case cst.ConcatenatedString():
            return _same(kind_of(expression.left, facts), kind_of(expression.right, facts))
        case cst.FormattedString():
            return "str"
        case cst.Integer() | cst.Float():
            return "int" if isinstance(expression, cst.Integer) else "float"
        case cst.Name(value="True" | "False"):
            return "bool"
        case cst.Name(value="None"):
            return "none"
        case cst.Name():
            return facts.scalars.get(expression.value)
        case cst.Attribute(value=cst.Name(value=owner), attr=cst.Name(value=attribute)):
            return facts.scalars.get(f"{owner}.{attribute}")  # a declared `self.x`
        case cst.UnaryOperation(operator=cst.Minus() | cst.Plus()):
            return _same(kind_of(expression.expression, facts), "int") or _same(
                kind_of(expression.expression, facts), "float"
            )
        case cst.Call():
            return _call_kind(expression, facts)
        case cst.BinaryOperation():
            return _binary_kind(expression, facts)
        case cst.Subscript(value=value) if kind_of(value, facts) == "str":
            return "str"
        case cst.IfExp():
            return _same(kind_of(expression.body, facts), kind_of(expression.orelse, facts))
        case cst.BooleanOperation():
            return _same(kind_of(expression.left, facts), kind_of(expression.right, facts))
    return None


def _owner(key: str) -> str:
    """`self` for the key `self.x` of a declared attribute."""
    return key.split(".")[0]


def _same(a: str | None, b: str | None) -> str | None:
    return a if a == b else None


def _call_kind(call: cst.Call, facts: Facts) -> str | None:
    func = call.func
    if isinstance(func, cst.Name) and func.value in facts.builtins:
        return _CALLS.get(func.value)
    if isinstance(func, cst.Attribute) and (receiver := kind_of(func.value, facts)) in _ITEMS:
        method = func.attr.value
        return receiver if method in _SAME else "int" if method in _TO_INT else None
    return None


def _binary_kind(operation: cst.BinaryOperation, facts: Facts) -> str | None:
    left, right = kind_of(operation.left, facts), kind_of(operation.right, facts)
    if left == right == "int" and isinstance(operation.operator, _INT_OPERATORS):
        return "int"
    match operation.operator:
        case cst.Add():
            return _same(left, right) if left in ("str", "bytes") else None
        case cst.Modulo():
            return "str" if left == "str" else None
        case cst.Multiply():
            return "str" if {left, right} == {"str", "int"} else None
    return None


def element_kind(iterable: cst.BaseExpression, facts: Facts) -> str | None:
    """The kind every item of `iterable` provably has, or None (also for an empty display)."""
    if (items := _ITEMS.get(kind_of(iterable, facts) or "")) is not None:
        return items
    match iterable:
        case cst.Name():
            return facts.elements.get(iterable.value)
        case cst.Attribute(value=cst.Name(value=owner), attr=cst.Name(value=attribute)):
            return facts.elements.get(f"{owner}.{attribute}")
        case cst.List() | cst.Tuple() | cst.Set():
            kinds = {
                kind_of(e.value, facts) if isinstance(e, cst.Element) else None
                for e in iterable.elements
            }
            return kinds.pop() if len(kinds) == 1 else None
        case cst.ListComp() | cst.SetComp() | cst.GeneratorExp():
            return kind_of(iterable.elt, facts.enter(iterable.for_in))
        case cst.Call(func=cst.Name(value="range")) if "range" in facts.builtins:
            return "int"
        case cst.Call(func=cst.Name(value=name), args=[first, *rest]) if name in _KEEP_ELEMENTS:
            plain = not first.keyword and not first.star and all(a.keyword for a in rest)
            return element_kind(first.value, facts) if name in facts.builtins and plain else None
        case cst.Call(func=cst.Attribute(value=receiver, attr=cst.Name(value=method))):
            kind = kind_of(receiver, facts)
            return kind if kind in _ITEMS and method in _SPLITS else None
    return None


def annotation_head(annotation: cst.BaseExpression) -> str | None:
    """`Sequence` for `Sequence`, `typing.Sequence` or `collections.abc.Sequence[str]`."""
    if isinstance(annotation, cst.Subscript):
        return annotation_head(annotation.value)
    if isinstance(annotation, cst.Attribute):
        return annotation.attr.value
    return annotation.value if isinstance(annotation, cst.Name) else None
