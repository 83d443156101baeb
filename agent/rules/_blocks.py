"""Statement blocks, scopes and names of one function: what the statement-level rules share.

Blocks: `rewrite_blocks` offers each block of a function's own statements to a rewrite, and
`rewrite_pairs` each pair of neighbouring statements in one. Names: where each name is bound
(`binding_sites`), how often it occurs, whether a nested scope can see it, and fresh names for
what a rewrite adds.
"""

from __future__ import annotations

import builtins
import functools
import itertools
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import MappingProxyType

import libcst as cst
import libcst.matchers as m

Statements = list[cst.BaseStatement]


def rewrite_blocks(
    function: cst.FunctionDef, rewrite: Callable[[Statements], Statements | None]
) -> cst.FunctionDef | None:
    """Offer each statement block of `function` to `rewrite`; None when no block changed.

    Blocks of nested defs and classes are skipped, and so are blocks under try or with, where
    an exception caught in the function could expose a half-built accumulator."""
    blocks = _Blocks(function, rewrite)
    new = function.visit(blocks)
    return cst.ensure_type(new, cst.FunctionDef) if blocks.fired else None


class _Blocks(cst.CSTTransformer):
    def __init__(self, root: cst.FunctionDef, rewrite: Callable[[Statements], Statements | None]):
        super().__init__()
        self.root, self.rewrite, self.fired = root, rewrite, False

    def on_visit(self, node: cst.CSTNode) -> bool:
        if isinstance(node, cst.FunctionDef):
            return node is self.root
        # No block sits inside a simple statement or an expression: skip their (many) nodes.
        skipped = (cst.ClassDef, cst.Try, cst.TryStar, cst.With, cst.SimpleStatementLine)
        return not isinstance(node, (*skipped, cst.BaseExpression))

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body = self.rewrite(list(updated_node.body))
        if body is None:
            return updated_node
        self.fired = True
        return updated_node.with_changes(body=body)


def rewrite_pairs(
    statements: Statements,
    rewrite: Callable[[cst.BaseStatement, cst.BaseStatement], Statements | None],
) -> Statements | None:
    """Replace each neighbouring pair that `rewrite` accepts; None when none was."""
    out: Statements = []
    index, fired = 0, False
    while index < len(statements):
        pair = statements[index : index + 2]
        new = rewrite(pair[0], pair[1]) if len(pair) == 2 else None
        out.extend(new if new is not None else pair[:1])
        index += 2 if new is not None else 1
        fired = fired or new is not None
    return out if fired else None


def assignment(statement: cst.BaseStatement) -> tuple[str, cst.BaseExpression] | None:
    """(name, value) when the statement is exactly `name = value` or `name: T = value`."""
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    small = statement.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target, value = small.targets[0].target, small.value
    elif isinstance(small, cst.AnnAssign) and small.value is not None:
        target, value = small.target, small.value
    else:
        return None
    return (target.value, value) if isinstance(target, cst.Name) else None


def with_value(statement: cst.BaseStatement, value: cst.BaseExpression) -> cst.SimpleStatementLine:
    """The assignment `statement` (see `assignment`) with its value replaced."""
    line = cst.ensure_type(statement, cst.SimpleStatementLine)
    return line.with_changes(body=[line.body[0].with_changes(value=value)])


def only(suite: cst.BaseSuite) -> cst.CSTNode | None:
    """The one statement of a block: a small statement, or a compound one; else None."""
    body: Sequence[cst.CSTNode] = suite.body
    if len(body) == 1 and isinstance(body[0], cst.SimpleStatementLine):
        body = body[0].body
    return body[0] if len(body) == 1 else None


def compiles(function: cst.FunctionDef) -> bool:
    """A last guard against a rewrite that prints as invalid Python."""
    try:
        compile(cst.Module(body=[function]).code, "<ratchet-rule>", "exec")
    except SyntaxError:
        return False
    return True


def occurrences(name: str, *nodes: cst.CSTNode | None) -> int:
    """How many Name nodes spell `name` (attribute names too: counting errs towards caution)."""
    return sum(len(m.findall(node, m.Name(name))) for node in nodes if node is not None)


def is_private(name: str, function: cst.FunctionDef) -> bool:
    """No global/nonlocal declaration of `name`, and no nested def, lambda or class names it."""
    declared = (n for n in walk(function) if isinstance(n, (cst.Global, cst.Nonlocal)))
    if any(item.name.value == name for node in declared for item in node.names):
        return False
    nested = m.findall(function.body, m.FunctionDef() | m.ClassDef() | m.Lambda())
    return occurrences(name, *nested) == 0


def names_in(node: cst.CSTNode) -> set[str]:
    return {n.value for n in walk(node) if isinstance(n, cst.Name)}


@functools.lru_cache(maxsize=32)
def spelled_names(node: cst.CSTNode) -> frozenset[str]:
    """`names_in(node)`, remembered: rules ask it of the module for every function, and of
    the function to skip it cheaply when a name they need (`sorted`, `keys`) is not there."""
    return frozenset(n.value for n in descendants(node) if isinstance(n, cst.Name))


@functools.lru_cache(maxsize=8)
def module_binding_counts(module: cst.Module) -> dict[str, int]:
    """`binding_counts(module)`, worked out once per parsed module; read it, never change it."""
    return dict(binding_counts(module))


def fresh_name(stem: str, function: cst.FunctionDef, module: cst.Module) -> str:
    """`stem`, or `stem_2`, `stem_3`...: the first that neither the module nor the function uses."""
    taken = spelled_names(module) | spelled_names(function) | set(dir(builtins))
    candidates = itertools.chain([stem], (f"{stem}_{n}" for n in itertools.count(2)))
    return next(c for c in candidates if c not in taken)


Sites = Mapping[str, tuple[cst.CSTNode, ...]]


def binding_sites(node: cst.CSTNode, *, comprehensions: bool = True) -> Sites:
    """For each name bound anywhere under `node` (nested scopes included, which errs on the side
    of refusing), the nodes binding it: an Assign, a Param, a For... Comprehension variables,
    local to their comprehension, count unless `comprehensions` is False. Remembered per node:
    most rules ask it of the same function."""
    return _binding_sites(node, comprehensions)


@functools.lru_cache(maxsize=32)
def _binding_sites(node: cst.CSTNode, comprehensions: bool) -> Sites:
    sites: dict[str, list[cst.CSTNode]] = defaultdict(list)
    for child in descendants(node):
        if comprehensions or not isinstance(child, cst.CompFor):
            for name in (n for target in binding_targets(child) for n in target_names(target)):
                sites[name].append(child)
    return MappingProxyType({name: tuple(nodes) for name, nodes in sites.items()})


def binding_counts(node: cst.CSTNode) -> Counter[str]:
    """How often each name is bound anywhere under `node`, nested scopes included."""
    return Counter({name: len(nodes) for name, nodes in binding_sites(node).items()})


def binding_targets(node: cst.CSTNode) -> list[cst.CSTNode]:
    """What `node` itself binds or unbinds: the targets of an assignment, a loop, a `del`; the
    names of a def, class or parameter; `as` names (with, except, import); global/nonlocal
    names; match captures; and `import a.b`'s `a`."""
    if not _may_bind(type(node)):  # most nodes: one dict lookup instead of a dozen isinstance
        return []
    if isinstance(node, cst.Assign):
        return [target.target for target in node.targets]
    if isinstance(node, (cst.AnnAssign, cst.AugAssign, cst.NamedExpr, cst.For, cst.CompFor)):
        return [node.target]
    if isinstance(node, cst.Del):
        return [node.target]
    if isinstance(node, (cst.Param, cst.FunctionDef, cst.ClassDef, cst.AsName)):
        return [node.name]
    if isinstance(node, (cst.MatchAs, cst.MatchStar, cst.MatchMapping)):
        capture = node.rest if isinstance(node, cst.MatchMapping) else node.name
        return [capture] if capture is not None else []
    if isinstance(node, (cst.Global, cst.Nonlocal)):
        return [item.name for item in node.names]
    if isinstance(node, cst.ImportAlias) and node.asname is None:
        return [cst.Name(node.evaluated_name.split(".")[0])]
    return []


_BINDERS = (
    *(cst.Assign, cst.AnnAssign, cst.AugAssign, cst.NamedExpr, cst.For, cst.CompFor, cst.Del),
    *(cst.Param, cst.FunctionDef, cst.ClassDef, cst.AsName, cst.Global, cst.Nonlocal),
    *(cst.MatchAs, cst.MatchStar, cst.MatchMapping, cst.ImportAlias),
)


@functools.cache
def _may_bind(kind: type[cst.CSTNode]) -> bool:
    return issubclass(kind, _BINDERS)


def target_names(target: cst.CSTNode) -> list[str]:
    """The names an assignment target binds (attributes and subscripts bind none)."""
    if isinstance(target, cst.Name):
        return [target.value]
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in target_names(e.value)]
    if isinstance(target, cst.StarredElement):
        return target_names(target.value)
    return []


def walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """`node` and everything under it, depth first."""
    yield node
    for child in node.children:
        yield from walk(child)


@functools.lru_cache(maxsize=32)
def descendants(node: cst.CSTNode) -> tuple[cst.CSTNode, ...]:
    """`walk(node)`, remembered: the names bound, the names spelled and the binding sites of a
    module or function all come from one walk (on large functions, each costs seconds)."""
    return tuple(walk(node))
