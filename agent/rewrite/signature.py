"""Whether a candidate keeps a function's signature and decorators, and if not, how it changed,
in words an author can act on ("parameter `n` lost its default `10`").

Code is compared up to formatting: whitespace, comments, quote style and redundant parentheses
do not count as changes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import libcst as cst

from .text import code_of, normalized, shown

DECORATORS_MARKER = re.compile(r"#\s*ratchet:\s*decorators changed because\s+(\S.*)$")


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # "positional-only", "positional-or-keyword", "*args", "keyword-only", "**kwargs"
    annotation: str | None
    default: str | None

    def render(self) -> str:
        star = {"*args": "*", "**kwargs": "**"}.get(self.kind, "")
        annotation = f": {shown(self.annotation, 60)}" if self.annotation else ""
        equals = " = " if self.annotation else "="
        default = f"{equals}{shown(self.default, 60)}" if self.default else ""
        return f"{star}{self.name}{annotation}{default}"


def parameters(function: cst.FunctionDef) -> list[Parameter]:
    params = function.params
    found = [_parameter(p, "positional-only") for p in params.posonly_params]
    found += [_parameter(p, "positional-or-keyword") for p in params.params]
    if isinstance(params.star_arg, cst.Param):
        found.append(_parameter(params.star_arg, "*args"))
    found += [_parameter(p, "keyword-only") for p in params.kwonly_params]
    if params.star_kwarg is not None:
        found.append(_parameter(params.star_kwarg, "**kwargs"))
    return found


def _parameter(param: cst.Param, kind: str) -> Parameter:
    annotation = _code(param.annotation.annotation) if param.annotation else None
    default = _code(param.default) if param.default else None
    return Parameter(param.name.value, kind, annotation, default)


def _code(node: cst.CSTNode | None) -> str | None:
    return None if node is None else code_of(node).strip()


def render_signature(function: cst.FunctionDef) -> str:
    """`async def name[T](a, /, b: int = 1, *, c) -> R` on one line."""
    params = parameters(function)
    rendered: list[str] = []
    for number, param in enumerate(params):
        previous = params[number - 1].kind if number else None
        if previous == "positional-only" and param.kind != "positional-only":
            rendered.append("/")
        if param.kind == "keyword-only" and previous not in ("*args", "keyword-only"):
            rendered.append("*")
        rendered.append(param.render())
    if params and params[-1].kind == "positional-only":
        rendered.append("/")
    prefix = "async def" if function.asynchronous else "def"
    types = code_of(function.type_parameters) if function.type_parameters else ""
    returns = f" -> {shown(code_of(function.returns.annotation), 60)}" if function.returns else ""
    return f"{prefix} {function.name.value}{types}({', '.join(rendered)}){returns}"


def signature_changes(old: cst.FunctionDef, new: cst.FunctionDef) -> list[str]:
    """How `new`'s signature differs from `old`'s, one phrase per difference; [] if it doesn't."""
    changes: list[str] = []
    if bool(old.asynchronous) != bool(new.asynchronous):
        was, now = (
            ("`async def`", "a plain `def`")
            if old.asynchronous
            else ("a plain `def`", "`async def`")
        )
        changes.append(f"it was {was} and the candidate makes it {now}")
    if _differs(old.type_parameters, new.type_parameters):
        changes.append("its type parameters changed")
    changes += _parameter_changes(parameters(old), parameters(new))
    changes += _annotation_change(
        "the return annotation",
        old.returns.annotation if old.returns else None,
        new.returns.annotation if new.returns else None,
    )
    return changes


def _differs(old: cst.CSTNode | None, new: cst.CSTNode | None) -> bool:
    if old is None or new is None:
        return (old is None) != (new is None)
    return normalized(code_of(old)) != normalized(code_of(new))


def _parameter_changes(old: list[Parameter], new: list[Parameter]) -> Iterator[str]:
    old_names, new_names = [p.name for p in old], [p.name for p in new]
    for name in old_names:
        if name not in new_names:
            yield f"parameter `{name}` was removed"
    for name in new_names:
        if name not in old_names:
            yield f"parameter `{name}` was added"
    kept_old = [n for n in old_names if n in new_names]
    kept_new = [n for n in new_names if n in old_names]
    if kept_old != kept_new:
        yield f"the parameters were reordered from ({', '.join(kept_old)}) to ({', '.join(kept_new)})"
    by_name = {p.name: p for p in new}
    for before in old:
        if (after := by_name.get(before.name)) is not None:
            yield from _one_parameter(before, after)


def _one_parameter(before: Parameter, after: Parameter) -> Iterator[str]:
    name = f"parameter `{before.name}`"
    if before.kind != after.kind:
        yield f"{name} was {before.kind} and became {after.kind}"
    yield from _value_change(name, "default", before.default, after.default)
    yield from _value_change(name, "annotation", before.annotation, after.annotation)


def _value_change(name: str, what: str, before: str | None, after: str | None) -> Iterator[str]:
    if before is not None and after is None:
        yield f"{name} lost its {what} `{shown(before, 60)}`"
    elif before is None and after is not None:
        yield f"{name} gained the {what} `{shown(after, 60)}`"
    elif before is not None and after is not None and normalized(before) != normalized(after):
        yield f"{name} {what} changed from `{shown(before, 60)}` to `{shown(after, 60)}`"


def _annotation_change(
    what: str, before: cst.BaseExpression | None, after: cst.BaseExpression | None
) -> Iterator[str]:
    old, new = _code(before), _code(after)
    if old is not None and new is None:
        yield f"{what} `{shown(old, 60)}` was removed"
    elif old is None and new is not None:
        yield f"{what} `{shown(new, 60)}` was added"
    elif old is not None and new is not None and normalized(old) != normalized(new):
        yield f"{what} changed from `{shown(old, 60)}` to `{shown(new, 60)}`"


def decorator_changes(old: cst.FunctionDef, new: cst.FunctionDef) -> list[str]:
    """How the decorator list changed, as phrases; [] when it is the same up to formatting."""
    before = [_code(d.decorator) or "" for d in old.decorators]
    after = [_code(d.decorator) or "" for d in new.decorators]
    if [normalized(d) for d in before] == [normalized(d) for d in after]:
        return []
    removed = [d for d in before if normalized(d) not in {normalized(a) for a in after}]
    added = [d for d in after if normalized(d) not in {normalized(b) for b in before}]
    phrases = [f"`@{shown(d, 60)}` was removed" for d in removed]
    phrases += [f"`@{shown(d, 60)}` was added" for d in added]
    return phrases or ["they were reordered"]


def decorators_reason(
    function: cst.FunctionDef, outside: Sequence[cst.EmptyLine] = ()
) -> str | None:
    """The reason given by a `# ratchet: decorators changed because ...` comment line among the
    def's decorators or `outside` it (the candidate's other comment lines); None if none."""
    lines = [*outside, *function.lines_after_decorators]
    lines += [line for d in function.decorators for line in d.leading_lines]
    for line in lines:
        if line.comment and (match := DECORATORS_MARKER.search(line.comment.value)):
            return match[1].strip()
    return None
