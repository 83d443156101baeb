"""Which names of a function provably hold a mapping (a dict, a Counter, any `Mapping`)."""

from __future__ import annotations

import functools

import libcst as cst
import libcst.matchers as m

from ._blocks import Sites
from ._facts import annotation_head
from .base import assigned_names, builtin_is_free

MAPPING_ANNOTATIONS = frozenset(
    {"dict", "Dict", "Mapping", "MutableMapping", "Counter", "defaultdict", "DefaultDict"}
    | {"OrderedDict"}
)
_COLLECTIONS_MAPPINGS = frozenset({"Counter", "defaultdict", "OrderedDict"})


def proven_mappings(sites: Sites, function: cst.FunctionDef, module: cst.Module) -> set[str]:
    """Names every binding of which, in `function`, makes or promises a mapping: a parameter
    or annotated assignment typed as one of MAPPING_ANNOTATIONS, or an assignment of a dict
    display or comprehension, `dict(...)` (the builtin) or a `collections` mapping class call.
    `sites` is the function's `binding_sites`."""
    makers = _mapping_makers(function, module)
    return {
        name for name, owners in sites.items() if all(_binds_mapping(o, makers) for o in owners)
    }


def _binds_mapping(owner: cst.CSTNode, makers: set[str]) -> bool:
    if isinstance(owner, cst.Param) and owner.star == "*":
        return False  # `*args: dict` is a tuple of dicts
    if isinstance(owner, (cst.Param, cst.AnnAssign)):
        return owner.annotation is not None and (
            annotation_head(owner.annotation.annotation) in MAPPING_ANNOTATIONS
        )
    if isinstance(owner, cst.Assign):
        direct = all(isinstance(target.target, cst.Name) for target in owner.targets)
        return direct and _makes_mapping(owner.value, makers)
    return False


def _makes_mapping(value: cst.BaseExpression, makers: set[str]) -> bool:
    if isinstance(value, (cst.Dict, cst.DictComp)):
        return True
    return isinstance(value, cst.Call) and _dotted(value.func) in makers


def _mapping_makers(function: cst.FunctionDef, module: cst.Module) -> set[str]:
    """Callables that make a mapping here: the builtin `dict`, and the `collections` classes
    the module imports (under their own names) and the function does not rebind."""
    makers = {"dict"} if builtin_is_free("dict", function, module) else set()
    makers |= _imported_makers(module)
    rebound = assigned_names(function)
    return {name for name in makers if name.split(".")[0] not in rebound}


@functools.lru_cache(maxsize=8)
def _imported_makers(module: cst.Module) -> frozenset[str]:
    """The collections mapping classes the module imports; searched once per module."""
    makers: set[str] = set()
    for node in m.findall(module, m.ImportFrom(module=m.Name("collections"))):
        aliases = cst.ensure_type(node, cst.ImportFrom).names
        if not isinstance(aliases, cst.ImportStar):
            own_names = {alias.evaluated_name for alias in aliases if alias.asname is None}
            makers |= own_names & _COLLECTIONS_MAPPINGS
    if m.findall(module, m.ImportAlias(name=m.Name("collections"), asname=None)):
        makers |= {f"collections.{name}" for name in _COLLECTIONS_MAPPINGS}
    return frozenset(makers)


def _dotted(expression: cst.BaseExpression) -> str | None:
    if isinstance(expression, cst.Name):
        return expression.value
    if isinstance(expression, cst.Attribute) and isinstance(expression.value, cst.Name):
        return f"{expression.value.value}.{expression.attr.value}"
    return None
