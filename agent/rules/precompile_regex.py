"""precompile-regex: `re.sub(LITERAL, ...)` and friends use a pattern compiled once, at import."""

from __future__ import annotations

import libcst as cst
import libcst.matchers as m

from ._blocks import compiles
from ._constants import helper_names
from ._regex import compiles_everywhere, flags_value, literal_pattern, stdlib_re
from .base import Rewrite, Rule

# For each module function: its parameters after `pattern`, and how many of them may be given
# by position (3.13 deprecates a positional `count`, `maxsplit` or `flags` of sub, subn, split).
_PARAMETERS = {
    **dict.fromkeys(("match", "search", "fullmatch", "findall", "finditer"), (("string", "flags"), 2)),
    **dict.fromkeys(("sub", "subn"), (("repl", "string", "count", "flags"), 2)),
    "split": (("string", "maxsplit", "flags"), 1),
}  # fmt: skip


class PrecompileRegex(Rule):
    """`re.match(<literal>, s)` (or search, fullmatch, findall, finditer, sub, subn, split) becomes
    `_RATCHET_<FUNC>_<N>.match(s)` with the module-level helper
    `_RATCHET_<FUNC>_<N> = re.compile(<literal>[, <flags>])`; one helper per pattern and flags.

    It fires only when: `re` is the standard module (a top-level `import re` before the
    function, `re` bound nowhere else, not by the function, no star import); the pattern is the
    first argument, given by position, a str or bytes literal (no f-string); flags, if given
    (by position for match, search, fullmatch, findall, finditer; by `flags=` for all), are
    literal (ints, `re.X` names, `|` of those; not DEBUG, which prints while compiling) and go
    to `re.compile`; every other argument is one the Pattern method takes under the same name
    and at the same position (`string`, `repl`, `count`, `maxsplit`), with no `*` or `**`
    arguments; and the pattern compiles here with those flags, without a warning and without
    syntax newer than Python 3.9's. The helper is built before the function's top-level
    statement, where `import re` has already run. Calls inside lambdas count; nested defs and
    classes are left to be rewritten as functions of their own.

    Why the behaviour is the same: `re.match(p, s, flags)` is `re._compile(p, flags).match(s)`,
    and `re.compile(p, flags)` is `re._compile(p, flags)`: a Pattern that matches, splits and
    substitutes the same (while re's cache holds it, the very same object). Its methods take
    `string`, `repl`, `count` and `maxsplit` with the meaning the module functions give them,
    and raise what the module functions raise (a str pattern on bytes: TypeError). Compiling
    cannot fail at import, for the pattern compiles on every supported interpreter; and with no
    DEBUG flag compiling prints nothing. The literal and flags have no side effects, and the
    other arguments are evaluated once, in the same order. Only the per-call lookup in re's
    cache (a Python-level `_compile` call) is saved.
    """

    name = "precompile-regex"
    DESCRIPTION = __doc__ or ""

    def rewrite(self, function: cst.FunctionDef, module: cst.Module) -> Rewrite | None:
        if not stdlib_re(function, module):
            return None
        precompile = _Precompile(function, module)
        new = function.with_changes(body=function.body.visit(precompile))
        helpers = tuple(precompile.helpers.values())
        if not helpers or not compiles(new) or not all(map(_valid, helpers)):
            return None
        return Rewrite(new, imports=("import re",), helpers=helpers)


class _Precompile(cst.CSTTransformer):
    def __init__(self, function: cst.FunctionDef, module: cst.Module) -> None:
        super().__init__()
        self.names = helper_names(function, module)
        self.helpers: dict[tuple[str, int], str] = {}  # (pattern code, flags) -> helper line
        self.spelled: dict[tuple[str, int], str] = {}  # (pattern code, flags) -> helper name

    def on_visit(self, node: cst.CSTNode) -> bool:
        return not isinstance(node, (cst.FunctionDef, cst.ClassDef)) and super().on_visit(node)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        parts = _parts(updated_node)
        if parts is None:
            return updated_node
        method, pattern, flags, kept = parts
        if not compiles_everywhere(pattern, flags):
            return updated_node
        code = cst.Module([]).code_for_node
        key = (code(pattern), 0 if flags is None else flags_value(flags) or 0)
        if key not in self.spelled:
            name = self.spelled[key] = next(self.names)
            given = f"{key[0]}, {code(flags)}" if flags is not None else key[0]
            self.helpers[key] = f"{name} = re.compile({given})"
        if kept:
            kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        func = cst.Attribute(cst.Name(self.spelled[key]), cst.Name(method))
        return updated_node.with_changes(func=func, args=kept)


def _parts(
    call: cst.Call,
) -> tuple[str, cst.BaseExpression, cst.BaseExpression | None, list[cst.Arg]] | None:
    """(method, pattern, flags or None, the arguments the Pattern method takes) of a call
    `re.<function>(<literal>, ...)` this rule can rewrite, or None."""
    if not m.matches(call.func, m.Attribute(m.Name("re"), m.Name())) or not call.args:
        return None
    method = cst.ensure_type(call.func, cst.Attribute).attr.value
    if method not in _PARAMETERS or any(arg.star for arg in call.args):
        return None
    names, positional = _PARAMETERS[method]
    pattern, *rest = call.args
    if pattern.keyword is not None or not literal_pattern(pattern.value):
        return None
    flags: cst.BaseExpression | None = None
    kept: list[cst.Arg] = []
    for index, arg in enumerate(rest):
        name = arg.keyword.value if arg.keyword is not None else None
        if name is None and index >= positional:
            return None
        if (name or names[index]) == "flags":
            flags = arg.value
        elif name is None or name in names:
            kept.append(arg)
        else:
            return None
    return method, pattern.value, flags, kept


def _valid(line: str) -> bool:
    try:
        compile(line, "<ratchet-rule>", "exec")
    except SyntaxError:
        return False
    return True


RULE = PrecompileRegex()
