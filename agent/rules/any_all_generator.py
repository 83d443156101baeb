"""any-all-generator: let `any`/`all` stop at the deciding element instead of building a list."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
import libcst.matchers as m

from ._blocks import binding_sites, spelled_names
from ._facts import annotation_head
from ._mappings import MAPPING_ANNOTATIONS
from .base import Rewrite, Rule, builtin_is_free

_PRIMITIVES = frozenset({"str", "int", "float", "bool"})
_ORDERED = {"str": "str", "int": "number", "float": "number", "bool": "number"}
_COLLECTIONS = frozenset({"list", "List", "Sequence", "MutableSequence", "Collection"})
_COLLECTIONS |= {"set", "Set", "AbstractSet", "MutableSet", "frozenset", "FrozenSet"}
_PREDICATES = frozenset({"isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier"})
_PREDICATES |= {"islower", "isnumeric", "isprintable", "isspace", "istitle", "isupper"}
_TRANSFORMS = frozenset({"lower", "upper", "casefold", "strip", "lstrip", "rstrip", "title"})
_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp)
_SCOPES = (cst.FunctionDef, cst.Lambda, cst.ClassDef, *_COMPREHENSIONS)
_REDUCE_LIST = m.Call(func=m.Name(), args=[m.Arg(m.ListComp(), keyword=None, star="")])

Env = dict[str, cst.BaseExpression]  # a name's type, written as an annotation


class AnyAllGenerator(Rule):
    """Fires on `any([elt for x in xs if cond ...])` -> `any(elt for x in xs if cond ...)`, and
    the same for `all`, when `any`/`all` is the builtin, the list comprehension is its only
    argument, the call runs in the function's own scope (not in a lambda, nested def or another
    comprehension), and the whole comprehension is in this safe subset:
      - each `for` clause is not async, binds a plain name, and iterates a collection of known
        element type: a str or string literal; a tuple/list/set display of constants of one
        type; a name bound once in the function, as a parameter annotated `list[T]`,
        `Sequence[T]`, `Collection[T]`, `set[T]`, `frozenset[T]`, `tuple[T, ...]`, `str`,
        `dict[T, V]`, `Mapping[T, V]` (also `.keys()` / `.values()` of such a mapping), or as a
        loop variable over such a collection; never an `Iterable`/`Iterator`, which the
        generator could leave half consumed for the caller to notice;
      - the element and the conditions are built from constants and names of primitive type
        (str, int, float, bool; None) with `==`, `!=`, `is`, `is not`; `<`, `<=`, `>`, `>=`
        between two strs or two numbers; `in`/`not in` between two strs; `not`, `and`, `or`;
        and str methods that cannot fail: `s.startswith(t)` / `s.endswith(t)` with t a str or a
        tuple of strs, the `s.is...()` predicates, `s.lower()`, `s.upper()`, `s.strip()`...
    On values of those types none of these can raise or run user code (annotations are trusted:
    a str subclass overriding `startswith` is not supported); anything else makes it refuse.

    Why the behaviour is the same: the generator makes a prefix of the evaluations the list
    comprehension makes, in the same order, and `any`/`all` test the truth of the same
    elements. The evaluations skipped can neither raise nor have side effects, so nothing
    observable is lost. (The gate could not catch a side effect that happens fewer times, hence
    the strict subset.) `any([])` and `any(())` agree: False; `all` of either is True.

    Measured with callgrind on CPython 3.11, `any` of `word.startswith(p)` over n prefixes: the
    generator costs more when nothing short-circuits (n=0: 2.7k vs 2.5k instructions per call,
    n=50: 59k vs 54k) and wins once it skips two elements or more (a hit first of 11: 5.0k vs
    13.8k). So it often slows small inputs down; the gate keeps it only where it measures faster.
    """

    DESCRIPTION = __doc__ or ""
    name = "any-all-generator"

    def rewrite(self, function: cst.FunctionDef, module: cst.Module) -> Rewrite | None:
        present = spelled_names(function) & {"any", "all"}
        reducers = {name for name in present if builtin_is_free(name, function, module)}
        if not reducers:
            return None
        calls = {id(call) for call in _scope_calls(function.body)}
        transformer = _LazyReduce(reducers, function, calls)
        rewritten = cst.ensure_type(function.visit(transformer), cst.FunctionDef)
        return Rewrite(rewritten) if transformer.fired else None


class _LazyReduce(cst.CSTTransformer):
    def __init__(self, reducers: set[str], function: cst.FunctionDef, calls: set[int]) -> None:
        super().__init__()
        self.reducers, self.function, self.calls, self.fired = reducers, function, calls, False
        self._env: Env | None = None

    @property
    def env(self) -> Env:
        """The function's types, worked out at the first `any`/`all` of a list comprehension."""
        if self._env is None:
            self._env = _function_env(self.function)
        return self._env

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        if id(original_node) not in self.calls or not m.matches(updated_node, _REDUCE_LIST):
            return updated_node
        if cst.ensure_type(updated_node.func, cst.Name).value not in self.reducers:
            return updated_node
        listcomp = cst.ensure_type(updated_node.args[0].value, cst.ListComp)
        if not _safe_comprehension(listcomp, self.env):
            return updated_node
        self.fired = True
        generator = cst.GeneratorExp(listcomp.elt, listcomp.for_in, lpar=[], rpar=[])
        arg = updated_node.args[0].with_changes(
            value=generator, whitespace_after_arg=listcomp.rbracket.whitespace_before
        )
        return updated_node.with_changes(
            args=[arg], whitespace_before_args=listcomp.lbracket.whitespace_after
        )


def _scope_calls(node: cst.CSTNode) -> Iterator[cst.Call]:
    """The calls under `node` that run in its own scope: not in a lambda, def, class or
    comprehension, where a name could mean another variable."""
    for child in node.children:
        if isinstance(child, cst.Call):
            yield child
        if not isinstance(child, _SCOPES):
            yield from _scope_calls(child)


def _safe_comprehension(listcomp: cst.ListComp, env: Env) -> bool:
    env = dict(env)
    clause: cst.CompFor | None = listcomp.for_in
    while clause is not None:
        element = _element_type(clause.iter, env)
        if clause.asynchronous or element is None or not isinstance(clause.target, cst.Name):
            return False
        env[clause.target.value] = element
        if any(_type_of(condition.test, env) is None for condition in clause.ifs):
            return False
        clause = clause.inner_for_in
    return _type_of(listcomp.elt, env) is not None


def _type_of(expression: cst.BaseExpression, env: Env) -> str | None:
    """The primitive type ("str", "int", "bool", "None", "primitive"...) of an expression that
    provably cannot raise or run user code, given the types in `env`; else None."""
    if isinstance(expression, cst.SimpleString):
        return "bytes" if "b" in expression.prefix.lower() else "str"
    if isinstance(expression, (cst.Integer, cst.Float)):
        return "int" if isinstance(expression, cst.Integer) else "float"
    if isinstance(expression, cst.Name):
        return _name_type(expression.value, env)
    if isinstance(expression, cst.Comparison):
        return _comparison_type(expression, env)
    if m.matches(expression, m.UnaryOperation(m.Not())):
        operand = cst.ensure_type(expression, cst.UnaryOperation).expression
        return "bool" if _type_of(operand, env) else None
    if isinstance(expression, cst.BooleanOperation):
        sides = {_type_of(expression.left, env), _type_of(expression.right, env)}
        return None if None in sides else sides.pop() if len(sides) == 1 else "primitive"
    if isinstance(expression, cst.Call):
        return _method_type(expression, env)
    return None


def _name_type(name: str, env: Env) -> str | None:
    constants = {"True": "bool", "False": "bool", "None": "None"}
    head = annotation_head(env[name]) if name in env else None
    return constants.get(name) or (head if head in _PRIMITIVES else None)


def _comparison_type(comparison: cst.Comparison, env: Env) -> str | None:
    left = _type_of(comparison.left, env)
    for target in comparison.comparisons:
        right, operator = _type_of(target.comparator, env), target.operator
        if left is None or right is None:
            return None
        ordering = isinstance(operator, (cst.LessThan, cst.LessThanEqual))
        ordering |= isinstance(operator, (cst.GreaterThan, cst.GreaterThanEqual))
        if ordering and (left not in _ORDERED or _ORDERED[left] != _ORDERED.get(right)):
            return None
        containment = isinstance(operator, (cst.In, cst.NotIn))
        if containment and not left == right == "str":
            return None
        left = right
    return "bool"


def _method_type(call: cst.Call, env: Env) -> str | None:
    """`s.startswith(t)`, `s.isdigit()`, `s.lower()`... on a str `s`: methods that cannot fail."""
    method = call.func
    if not isinstance(method, cst.Attribute) or _type_of(method.value, env) != "str":
        return None
    if any(arg.keyword or arg.star for arg in call.args):
        return None
    name, args = method.attr.value, [arg.value for arg in call.args]
    if name in ("startswith", "endswith") and len(args) == 1:
        prefixes = _elements(args[0]) if isinstance(args[0], cst.Tuple) else args
        safe = all(p is not None and _type_of(p, env) == "str" for p in prefixes)
        return "bool" if safe else None
    if not args and name in _PREDICATES | _TRANSFORMS:
        return "bool" if name in _PREDICATES else "str"
    return None


def _elements(literal: cst.Tuple | cst.List | cst.Set) -> list[cst.BaseExpression | None]:
    """The elements of a literal; None stands for a `*starred` one."""
    return [e.value if isinstance(e, cst.Element) else None for e in literal.elements]


def _element_type(iterable: cst.BaseExpression, env: Env) -> cst.BaseExpression | None:
    """The element type of a collection that iterating can neither change nor fail on."""
    if isinstance(iterable, (cst.SimpleString, cst.Name)) and _type_of(iterable, env) == "str":
        return cst.Name("str")
    if isinstance(iterable, (cst.Tuple, cst.List, cst.Set)):
        kinds = {_type_of(e, env) if e else None for e in _elements(iterable)}
        kind = kinds.pop() if len(kinds) == 1 else None
        return cst.Name(kind) if kind is not None and kind in _PRIMITIVES else None
    if isinstance(iterable, cst.Name) and iterable.value in env:
        return _parameters(env[iterable.value], _COLLECTIONS | MAPPING_ANNOTATIONS, 1)
    view = m.Call(func=m.Attribute(m.Name(), m.Name("keys") | m.Name("values")), args=[])
    if m.matches(iterable, view):
        method = cst.ensure_type(cst.ensure_type(iterable, cst.Call).func, cst.Attribute)
        mapping = env.get(cst.ensure_type(method.value, cst.Name).value)
        position = 1 if method.attr.value == "keys" else 2
        return _parameters(mapping, MAPPING_ANNOTATIONS, position) if mapping else None
    return None


def _parameters(
    annotation: cst.BaseExpression, heads: frozenset[str], position: int
) -> cst.BaseExpression | None:
    """The `position`-th type parameter (from 1) of `annotation` if its head is one of `heads`;
    `tuple[T, ...]` counts as a collection of T."""
    if not isinstance(annotation, cst.Subscript):
        return None
    parameters = [e.slice.value for e in annotation.slice if isinstance(e.slice, cst.Index)]
    if len(parameters) == 2 and isinstance(parameters[1], cst.Ellipsis):
        return parameters[0] if annotation_head(annotation) in ("tuple", "Tuple") else None
    if annotation_head(annotation) not in heads or len(parameters) < position:
        return None
    return parameters[position - 1]


def _function_env(function: cst.FunctionDef) -> Env:
    """Types of the function's names that are bound exactly once: annotated parameters (not
    `*args`/`**kwargs`), and loop variables over collections of known element type."""
    params = function.params
    plain = {id(p) for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    env: Env = {}
    for name, sites in binding_sites(function, comprehensions=False).items():
        site = sites[0]
        if len(sites) != 1:
            continue
        if isinstance(site, cst.Param) and id(site) in plain and site.annotation:
            env[name] = site.annotation.annotation
        elif m.matches(site, m.For(target=m.Name(), asynchronous=None)):
            element = _element_type(cst.ensure_type(site, cst.For).iter, env)
            if element is not None:
                env[name] = element
    return env


RULE = AnyAllGenerator()
