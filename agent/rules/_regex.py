"""Regular expressions with a literal pattern: when `re` is the standard module, which flags are
literal, and whether a pattern compiles the same on every interpreter Ratchet targets."""

from __future__ import annotations

import ast
import re
import warnings

import libcst as cst
import libcst.matchers as m

from ._blocks import module_binding_counts, walk
from .base import assigned_names

# The flags with the same name and value on CPython 3.9 to 3.13. Not DEBUG (it prints while
# compiling, so compiling once instead of per call changes the output), not TEMPLATE (gone in
# 3.13), not NOFLAG (new in 3.11).
FLAGS = frozenset(
    {"A", "ASCII", "I", "IGNORECASE", "L", "LOCALE", "M", "MULTILINE", "S", "DOTALL"}
    | {"U", "UNICODE", "X", "VERBOSE"}
)
# Syntax new in 3.11 (atomic groups, possessive quantifiers): on 3.9 and 3.10 such a pattern
# raises only when compiled, which a module-level pattern would do at import.
_NEW_SYNTAX = re.compile(r"\(\?>|[*+?}]\+")


def stdlib_re(function: cst.FunctionDef, module: cst.Module) -> bool:
    """`re` is the standard module wherever `function` reads it, and also at module level before
    the function's top-level statement: the module binds it once, by a top-level `import re`
    that comes first, the function does not bind it, and there is no star import."""
    if "*" in assigned_names(module) or "re" in assigned_names(function):
        return False
    if module_binding_counts(module).get("re") != 1:
        return False
    for statement in module.body:
        if _imports_re(statement):
            return True
        if any(node is function for node in walk(statement)):
            return False
    return False


def _imports_re(statement: cst.BaseStatement) -> bool:
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    imports = [small for small in statement.body if isinstance(small, cst.Import)]
    return any(a.evaluated_name == "re" and a.asname is None for i in imports for a in i.names)


def literal_pattern(expression: cst.BaseExpression) -> bool:
    """A str or bytes literal, without f-string parts."""
    if isinstance(expression, cst.ConcatenatedString):
        return literal_pattern(expression.left) and literal_pattern(expression.right)
    return isinstance(expression, cst.SimpleString)


def flags_value(expression: cst.BaseExpression) -> int | None:
    """The value of literal flags: an int, `re.X` for a flag in FLAGS, or `|` of those."""
    if isinstance(expression, cst.Integer):
        return int(expression.evaluated_value)
    if m.matches(expression, m.Attribute(m.Name("re"))):
        flag = cst.ensure_type(expression, cst.Attribute).attr.value
        return int(re.RegexFlag[flag]) if flag in FLAGS else None
    if isinstance(expression, cst.BinaryOperation) and isinstance(expression.operator, cst.BitOr):
        left, right = flags_value(expression.left), flags_value(expression.right)
        return None if left is None or right is None else left | right
    return None


def compiles_everywhere(pattern: cst.BaseExpression, flags: cst.BaseExpression | None) -> bool:
    """The literal pattern compiles with these literal flags here without a warning, uses no
    syntax newer than 3.9's, and sets no flag outside FLAGS (an int could hide DEBUG): so
    compiling it at import raises nothing that a call would have raised later."""
    value = 0 if flags is None else flags_value(flags)
    allowed = 0
    for name in FLAGS:
        allowed |= int(re.RegexFlag[name])
    if value is None or value & ~allowed or not literal_pattern(pattern):
        return False
    text = ast.literal_eval(cst.Module([]).code_for_node(pattern))
    source = text.decode("latin-1") if isinstance(text, bytes) else text
    if _NEW_SYNTAX.search(source):
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            re.compile(text, value)
    except (re.error, TypeError, ValueError, OverflowError, Warning):
        return False
    return True
