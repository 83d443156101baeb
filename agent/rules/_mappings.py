"""Which names of a function provably hold a mapping (a dict, a Counter, any `Mapping`)."""

from __future__ import annotations

import functools
from collections import Counter

import libcst as cst
import libcst.matchers as m

from ._blocks import (
    Sites,
    binding_targets,
    module_binding_counts,
    spelled_names,
    target_names,
)
from ._facts import annotation_head
from .base import assigned_names, builtin_is_free

MAPPING_ANNOTATIONS = frozenset(
    {"dict", "Dict", "Mapping", "MutableMapping", "Counter", "defaultdict", "DefaultDict"}
    | {"OrderedDict"}
)
_COLLECTIONS_MAPPINGS = frozenset({"Counter", "defaultdict", "OrderedDict"})


def proven_mappings(sites: Sites, function: cst.FunctionDef, module: cst.Module) -> set[str]:
    """Names that provably hold a mapping wherever `function` reads them. `sites` is the
    function's `binding_sites`. Either every binding of the name in the function
      - is a parameter or annotated assignment typed as one of MAPPING_ANNOTATIONS, or the
        `**kwargs` parameter (always a fresh dict), or
      - assigns a dict display or comprehension, `dict(...)` (the builtin), a `collections`
        mapping class call, or another name proven here (`units = BYTE_UNITS`);
    or the function does not bind the name and the module binds it exactly once, at its top
    level, in one of those ways (`_TABLE = {...}`; see module_mappings)."""
    makers = _mapping_makers(function, module)
    proven = set(module_mappings(module)) - set(sites)
    while grown := {
        name
        for name, owners in sites.items()
        if name not in proven and all(_binds_mapping(o, makers, proven) for o in owners)
    }:
        proven |= grown  # an alias is proven once the name it copies is
    return proven


@functools.lru_cache(maxsize=8)
def module_mappings(module: cst.Module) -> frozenset[str]:
    """Names the module binds exactly once (counting every binding anywhere in it: in functions,
    classes, `global` declarations, `del`), by a top-level statement that makes or promises a
    mapping. None when a star import or a `globals()`/`vars()` call could rebind names unseen.
    As with annotations, a caller that rebinds the module's attribute from outside to something
    else breaks the type the module gave it (mypy infers `dict[...]` and would refuse)."""
    if "*" in assigned_names(module) or spelled_names(module) & {"globals", "vars"}:
        return frozenset()
    counts = module_binding_counts(module)
    makers = {"dict"} if "dict" not in counts else set()
    makers |= _imported_makers(module)
    found = set()
    for line in (s for s in module.body if isinstance(s, cst.SimpleStatementLine)):
        for small in line.body:
            names = [n for target in binding_targets(small) for n in target_names(target)]
            if len(names) == 1 and counts.get(names[0]) == 1 and _binds_mapping(small, makers):
                found.add(names[0])
    return frozenset(found)


def _binds_mapping(
    owner: cst.CSTNode, makers: set[str], proven: frozenset[str] | set[str] = frozenset()
) -> bool:
    if isinstance(owner, cst.Param) and owner.star == "*":
        return False  # `*args: dict` is a tuple of dicts
    if isinstance(owner, cst.Param) and owner.star == "**":
        return True  # `**kwargs` is always a new dict, whatever its annotation says of values
    if isinstance(owner, (cst.Param, cst.AnnAssign)):
        return owner.annotation is not None and (
            annotation_head(owner.annotation.annotation) in MAPPING_ANNOTATIONS
        )
    if isinstance(owner, cst.Assign):
        direct = all(isinstance(target.target, cst.Name) for target in owner.targets)
        return direct and _makes_mapping(owner.value, makers, proven)
    return False


def _makes_mapping(
    value: cst.BaseExpression, makers: set[str], proven: frozenset[str] | set[str]
) -> bool:
    if isinstance(value, (cst.Dict, cst.DictComp)):
        return True
    if isinstance(value, cst.Name):
        return value.value in proven
    return isinstance(value, cst.Call) and _dotted(value.func) in makers


def _mapping_makers(function: cst.FunctionDef, module: cst.Module) -> set[str]:
    """Callables that make a mapping here: the builtin `dict`, and the `collections` classes
    the module imports (under their own names, binding the name nowhere else) and the function
    does not rebind."""
    makers = {"dict"} if builtin_is_free("dict", function, module) else set()
    makers |= _imported_makers(module)
    rebound = assigned_names(function)
    return {name for name in makers if name.split(".")[0] not in rebound}


@functools.lru_cache(maxsize=8)
def _imported_makers(module: cst.Module) -> frozenset[str]:
    """The collections mapping classes the module imports, under their own names, where nothing
    in the module binds those names but the imports themselves; searched once per module."""
    counts, imported = module_binding_counts(module), Counter[str]()
    from_collections = m.ImportFrom(module=m.Name("collections"), relative=[])
    for node in m.findall(module, m.Import() | from_collections):
        if isinstance(node, cst.Import):
            roots = (a.evaluated_name.split(".")[0] for a in node.names if a.asname is None)
            imported.update(root for root in roots if root == "collections")
        elif isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
            imported.update(a.evaluated_name for a in node.names if a.asname is None)
    makers = {name for name in imported if name in _COLLECTIONS_MAPPINGS}
    if imported["collections"]:
        makers |= {f"collections.{name}" for name in _COLLECTIONS_MAPPINGS}
    return frozenset(
        name for name in makers if counts.get(root := name.split(".")[0]) == imported[root]
    )


def _dotted(expression: cst.BaseExpression) -> str | None:
    if isinstance(expression, cst.Name):
        return expression.value
    if isinstance(expression, cst.Attribute) and isinstance(expression.value, cst.Name):
        return f"{expression.value.value}.{expression.attr.value}"
    return None
