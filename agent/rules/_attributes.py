"""What a method's class declares about `self`: the annotations of its class-level attributes.

`value: str` in a class body (a dataclass field, or a plain declaration) promises that
`self.value` holds a str in every method, the way a parameter's annotation promises its
argument; the value-kind facts trust both, as mypyc does.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Mapping

import libcst as cst

from ._blocks import binding_sites, binding_targets, target_names, walk


def self_declarations(
    function: cst.FunctionDef, module: cst.Module
) -> tuple[str, Mapping[str, cst.AnnAssign]] | None:
    """(the name `self` goes by, {attribute: its declaration}) when `function` is a plain method
    (not a staticmethod or classmethod) defined directly in a class body; each attribute is
    declared by an annotated statement at the top of the class body and bound nowhere else in
    it. None for anything else."""
    owner = _owners(module).get(function)
    params = [*function.params.posonly_params, *function.params.params]
    if owner is None or not params or any(map(_changes_self, function.decorators)):
        return None
    return params[0].name.value, _declarations(owner)


@functools.lru_cache(maxsize=8)
def _owners(module: cst.Module) -> Mapping[cst.FunctionDef, cst.ClassDef]:
    """Each function defined directly in a class body, with that class (nodes hash by identity)."""
    classes = (node for node in walk(module) if isinstance(node, cst.ClassDef))
    return {
        statement: owner
        for owner in classes
        for statement in owner.body.body
        if isinstance(statement, cst.FunctionDef)
    }


@functools.lru_cache(maxsize=32)
def _declarations(owner: cst.ClassDef) -> Mapping[str, cst.AnnAssign]:
    bound: Counter[str] = Counter()
    declared: dict[str, cst.AnnAssign] = {}
    for statement in owner.body.body:
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                bound.update(n for t in binding_targets(small) for n in target_names(t))
                if isinstance(small, cst.AnnAssign) and _declares(small, owner):
                    declared[cst.ensure_type(small.target, cst.Name).value] = small
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            bound[statement.name.value] += 1
        else:  # if/try/for/with at class level: whatever they bind, anywhere inside
            bound.update(binding_sites(statement).keys())
    return {name: note for name, note in declared.items() if bound[name] == 1}


def _declares(statement: cst.AnnAssign, owner: cst.ClassDef) -> bool:
    """`x: T`, or `x: T = v` in a class with no bases and no metaclass: in an Enum, `x: T = v`
    makes a member, which is no T."""
    plain = not (owner.bases or owner.keywords)
    return isinstance(statement.target, cst.Name) and (statement.value is None or plain)


def _changes_self(decorator: cst.Decorator) -> bool:
    """staticmethod and classmethod (by any path): the first parameter is not the instance."""
    name = decorator.decorator
    if isinstance(name, cst.Call):
        name = name.func
    last = name.attr.value if isinstance(name, cst.Attribute) else getattr(name, "value", None)
    return last in ("staticmethod", "classmethod")
