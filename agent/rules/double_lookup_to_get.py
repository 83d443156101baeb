"""double-lookup-to-get: one `d.get(k, default)` instead of `k in d` followed by `d[k]`."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst
import libcst.matchers as m
from libcst.helpers import parse_template_expression

from ._blocks import Sites, binding_sites, binding_targets, target_names
from ._mappings import proven_mappings
from .base import Rewrite, Rule

_MEMBERSHIP = m.Comparison(left=m.Name(), comparisons=[m.ComparisonTarget(m.In(), m.Name())])
_CONSTANT = m.OneOf(
    m.Integer(),
    m.Float(),
    m.SimpleString(),
    m.Name("None"),
    m.Name("True"),
    m.Name("False"),
    m.UnaryOperation(m.Minus(), m.Integer() | m.Float()),
    m.Tuple(elements=[]),
)


class DoubleLookupToGet(Rule):
    """Fires on four shapes, where `k` and `d` are plain names and `v` a plain name:

        if k in d:              if k in d:              if k in d:          if k in d:
            v = d[k]                return d[k]             return d[k]         k = d[k]
        else:                   else:                   return default
            v = default             return default

    -> `v = d.get(k, default)` / `return d.get(k, default)` / `k = d.get(k, k)`, when
      - `d` is provably a mapping (see _mappings.proven_mappings): every binding of `d` in the
        function is a parameter or annotated assignment typed `dict`, `Mapping`,
        `MutableMapping`, `Counter`, `defaultdict` or `OrderedDict`, `**kwargs`, or an
        assignment of a dict literal, dict comprehension, `dict(...)` (the builtin), a
        `collections` Counter/defaultdict/OrderedDict call, or another such name; or the
        function binds `d` nowhere and the module binds it once, at top level, in those ways;
      - `default` is a constant (a number, a string, None, True, False, `()`), a parameter
        bound nowhere else, or a name assigned at module level and not bound in the function:
        never a call or anything else that could run code;
      - each branch is exactly that one statement, with no `elif` and no comments to lose.

    Why the behaviour is the same: for a dict, `k in d` and then `d[k]` finds the same entry
    that `d.get(k)` finds, and when `k` is missing both give `default`. Subclasses with
    `__missing__` (defaultdict, Counter) are never asked for a missing key, since `d[k]` runs
    only after `k in d`. For other Mappings, the ABC's `__contains__` and `get` are both defined
    through `__getitem__`, so they agree too; a mapping whose `get` disagrees with `[]` breaks
    the contract the annotation promises (the gate replays the real recorded arguments).
    `k` and `d` are name loads, which evaluating once instead of twice cannot change; `default`
    is now evaluated also when `k` is present, which for a constant or a bound name does
    nothing. In the fourth shape the default is `k` itself, just evaluated by the test: when
    `k` is missing, `k = k` rebinds it to the same object, which nothing can observe. `k`'s `__hash__`/`__eq__` run once instead of twice (user hashes with side effects
    are not supported). An unhashable `k` raises TypeError in both forms.
    """

    DESCRIPTION = __doc__ or ""
    name = "double-lookup-to-get"

    def rewrite(self, function: cst.FunctionDef, module: cst.Module) -> Rewrite | None:
        sites = binding_sites(function)
        mappings = proven_mappings(sites, function, module)
        if not mappings:
            return None
        transformer = _SingleLookup(mappings, _bound_names(sites, function, module))
        rewritten = cst.ensure_type(function.visit(transformer), cst.FunctionDef)
        return Rewrite(rewritten) if transformer.fired else None


class _SingleLookup(cst.CSTTransformer):
    def __init__(self, mappings: set[str], bound: set[str]) -> None:
        super().__init__()
        self.mappings, self.bound, self.fired = mappings, bound, False

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        statements, merged, index = updated_node.body, [], 0
        while index < len(statements):
            following = statements[index + 1] if index + 1 < len(statements) else None
            replacement = self._merge(statements[index], following)
            if replacement is None:
                merged.append(statements[index])
                index += 1
            else:
                merged.append(replacement[0])
                index += 1 + replacement[1]
                self.fired = True
        return updated_node.with_changes(body=merged)

    def _merge(
        self, statement: cst.BaseStatement, following: cst.BaseStatement | None
    ) -> tuple[cst.SimpleStatementLine, int] | None:
        """The `d.get` line replacing `statement`, and how many following statements it absorbs."""
        if not isinstance(statement, cst.If) or not m.matches(statement.test, _MEMBERSHIP):
            return None
        test = cst.ensure_type(statement.test, cst.Comparison)
        key = cst.ensure_type(test.left, cst.Name)
        mapping = cst.ensure_type(test.comparisons[0].comparator, cst.Name)
        if mapping.value not in self.mappings:
            return None
        present = _only(statement.body)
        found = self._default(statement, following, present, key, mapping)
        if found is None:
            return None
        default, absorbed = found
        if not isinstance(present, (cst.Assign, cst.Return)) or _has_comments(statement):
            return None
        get = parse_template_expression("{d}.get({k}, {v})", d=mapping, k=key, v=default)
        line = cst.SimpleStatementLine([present.with_changes(value=get)], statement.leading_lines)
        return line, absorbed

    def _default(
        self,
        statement: cst.If,
        following: cst.BaseStatement | None,
        present: cst.BaseSmallStatement | None,
        key: cst.Name,
        mapping: cst.Name,
    ) -> tuple[cst.BaseExpression, int] | None:
        """What `d.get` falls back to, and how many following statements that absorbs."""
        lookup = m.Subscript(
            m.Name(mapping.value), [m.SubscriptElement(m.Index(m.Name(key.value)))]
        )
        if statement.orelse is None and _translates(present, key, lookup):
            return key, 0  # `k = d[k]` alone: k stays k when missing
        missing, absorbed = _otherwise(statement, following)
        default = _default(present, missing, lookup, absorbed)
        if default is None or not (m.matches(default, _CONSTANT) or _is_bound(default, self.bound)):
            return None
        return default, absorbed


def _translates(present: cst.BaseSmallStatement | None, key: cst.Name, lookup: m.Subscript) -> bool:
    """The branch is `k = d[k]`: replace the key by what it maps to."""
    target = m.AssignTarget(m.Name(key.value))
    return present is not None and m.matches(present, m.Assign([target], lookup))


def _default(
    present: cst.BaseSmallStatement | None,
    missing: cst.BaseSmallStatement | None,
    lookup: m.Subscript,
    absorbed: int,
) -> cst.BaseExpression | None:
    """`default` when the branches are `return d[k]` / `return default`, or (not absorbing a
    following statement) `v = d[k]` / `v = default`; else None."""
    if isinstance(present, cst.Return) and isinstance(missing, cst.Return):
        found = present.value is not None and m.matches(present.value, lookup)
        return missing.value if found else None
    if absorbed or not isinstance(present, cst.Assign) or not isinstance(missing, cst.Assign):
        return None
    targets = [target.target for target in (*present.targets, *missing.targets)]
    same = (
        len(targets) == 2 and m.matches(targets[0], m.Name()) and targets[0].deep_equals(targets[1])
    )
    return missing.value if same and m.matches(present.value, lookup) else None


def _only(suite: cst.CSTNode | None) -> cst.BaseSmallStatement | None:
    """The one simple statement of a block or a statement line, else None."""
    if isinstance(suite, cst.IndentedBlock) and len(suite.body) == 1:
        suite = suite.body[0]
    if isinstance(suite, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
        return suite.body[0] if len(suite.body) == 1 else None
    return None


def _otherwise(
    statement: cst.If, following: cst.BaseStatement | None
) -> tuple[cst.BaseSmallStatement | None, int]:
    """What runs when the key is missing: the `else:` statement, or (with no `else`) the next
    statement, absorbed; with how many following statements that takes."""
    if isinstance(statement.orelse, cst.Else):
        return _only(statement.orelse.body), 0
    if statement.orelse is None and following and not m.findall(following, m.Comment()):
        return _only(following), 1
    return None, 0


def _has_comments(statement: cst.BaseStatement) -> bool:
    """Comments that merging would lose: any but those in the lines above `statement`."""
    return bool(m.findall(statement.with_changes(leading_lines=()), m.Comment()))


def _is_bound(default: cst.BaseExpression, bound: set[str]) -> bool:
    return isinstance(default, cst.Name) and default.value in bound


def _bound_names(sites: Sites, function: cst.FunctionDef, module: cst.Module) -> set[str]:
    """Names whose load cannot fail or change: parameters bound nowhere else in the function,
    and names assigned at the module's top level that the function does not bind."""
    parameters = {name for name, nodes in sites.items() if len(nodes) == 1}
    parameters &= {param.name.value for param in _parameters(function)}
    lines = [s for s in module.body if isinstance(s, cst.SimpleStatementLine)]
    assigns = [a for line in lines for a in line.body if isinstance(a, cst.Assign)]
    defs = [s for s in module.body if isinstance(s, (cst.FunctionDef, cst.ClassDef))]
    top = {n for node in [*assigns, *defs] for t in binding_targets(node) for n in target_names(t)}
    return parameters | (top - set(sites))


def _parameters(function: cst.FunctionDef) -> Sequence[cst.Param]:
    params = function.params
    star = [p for p in (params.star_arg, params.star_kwarg) if isinstance(p, cst.Param)]
    return [*params.posonly_params, *params.params, *params.kwonly_params, *star]


RULE = DoubleLookupToGet()
