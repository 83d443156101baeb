"""Which of a candidate's imports and helpers the module still needs.

An import or helper the module already has at top level (the same import; a helper with the
same code up to formatting) is skipped; one it has only under an `if`/`try` (which may not run,
like `if TYPE_CHECKING:`) is added at top level. One that would rebind a module-level name to something else, or shadow
a builtin for the whole module, is a collision: the candidate is rejected, nothing is renamed.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import libcst as cst

from .bindings import BUILTINS, Binding, import_aliases, module_bindings, names_in
from .candidate import Candidate
from .index import ModuleIndex
from .outcomes import Rejected
from .text import code_of, first_line, normalized

Bindings = dict[str, list[Binding]]


@dataclass(frozen=True)
class Additions:
    imports: tuple[cst.SimpleStatementLine, ...]  # trimmed to the names the module lacks
    helpers: tuple[cst.BaseStatement, ...]


def plan_additions(
    candidate: Candidate, index: ModuleIndex, path: str = "<module>"
) -> Additions | Rejected:
    """The imports and helpers to add to the module, or why one of them cannot be added."""
    if not (candidate.imports or candidate.helpers):
        return Additions((), ())
    bindings = _bindings_of(index)
    imports: list[cst.SimpleStatementLine] = []
    seen: set[str] = set()
    for line in candidate.imports:
        for small in line.body:
            assert isinstance(small, (cst.Import, cst.ImportFrom))
            kept = _new_import(small, line, bindings, seen, index, path)
            if isinstance(kept, Rejected):
                return kept
            if kept is not None:
                imports.append(kept)
    helpers: list[cst.BaseStatement] = []
    for helper in candidate.helpers:
        needed = _helper_needed(helper, bindings, index, path)
        if isinstance(needed, Rejected):
            return needed
        if needed:
            helpers.append(helper)
    return Additions(tuple(imports), tuple(helpers))


@functools.lru_cache(maxsize=8)
def _bindings_of(index: ModuleIndex) -> Bindings:
    return module_bindings(index.module.body)


def _new_import(
    small: cst.Import | cst.ImportFrom,
    line: cst.SimpleStatementLine,
    bindings: Bindings,
    seen: set[str],
    index: ModuleIndex,
    path: str,
) -> cst.SimpleStatementLine | Rejected | None:
    """The import trimmed to the names the module lacks; None when it has them all."""
    kept: list[cst.ImportAlias] = []
    for alias, name, key, package in import_aliases(small):
        existing = bindings.get(name, [])
        if key in seen or any(b.key == key and not b.nested for b in existing):
            continue
        seen.add(key)
        if key.startswith("from __future__ "):
            why = "a `__future__` import must open the module, which lacks it; do without it"
            return _rejected_import(small, why)
        if alias is None:
            why = "star imports hide what they bind; import the names you need explicitly"
            return _rejected_import(small, why)
        others = [b for b in existing if b.key != key]
        if others and not (package and all(b.package for b in others)):
            fix = "import it under a name the module does not use (`... as other`)"
            return _collision(code_of(small), name, others[0], index, path, fix)
        if not existing and name in BUILTINS:
            return _shadows(code_of(small), name)
        kept.append(alias)
    if not kept:
        return None
    if len(kept) < len(list(import_aliases(small))):
        small = _one_line(small, kept)
    small = small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
    trailing = line.trailing_whitespace if len(line.body) == 1 else cst.TrailingWhitespace()
    return cst.SimpleStatementLine(body=[small], trailing_whitespace=trailing)


def _one_line(
    small: cst.Import | cst.ImportFrom, aliases: list[cst.ImportAlias]
) -> cst.Import | cst.ImportFrom:
    """The import with only `aliases`, on one line: `from m import a, b`."""
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    names = [a.with_changes(comma=comma) for a in aliases[:-1]]
    names.append(aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT))
    if isinstance(small, cst.ImportFrom):
        return small.with_changes(names=names, lpar=None, rpar=None)
    return small.with_changes(names=names)


def _rejected_import(small: cst.BaseSmallStatement, why: str) -> Rejected:
    return Rejected(
        "candidate-content", f"The candidate's `{_flat(small)}` cannot be added: {why}."
    )


def _helper_needed(
    helper: cst.BaseStatement, bindings: Bindings, index: ModuleIndex, path: str
) -> bool | Rejected:
    """False when the module already has this helper, True when it is new."""
    for name in helper_names(helper):
        existing = bindings.get(name, [])
        same = [b for b in existing if _same_statement(helper, b.statement)]
        if any(not b.nested for b in same):
            return False
        if others := [b for b in existing if all(b is not s for s in same)]:
            fix = "give the helper a name the module does not use"
            return _collision(first_line(helper), name, others[0], index, path, fix)
        if name in BUILTINS:
            return _shadows(first_line(helper), name)
    return True


def helper_names(helper: cst.BaseStatement) -> list[str]:
    if isinstance(helper, (cst.FunctionDef, cst.ClassDef)):
        return [helper.name.value]
    names: list[str] = []
    for small in getattr(helper, "body", ()):
        targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else []
        targets += [small.target] if isinstance(small, cst.AnnAssign) else []
        names += [name for target in targets for name in names_in(target)]
    return names


def _same_statement(one: cst.BaseStatement, other: cst.BaseStatement) -> bool:
    if type(one) is not type(other):
        return False
    return normalized(_bare(one), "exec") == normalized(_bare(other), "exec")


def _bare(statement: cst.BaseStatement) -> str:
    if isinstance(statement, (cst.SimpleStatementLine, cst.FunctionDef, cst.ClassDef)):
        statement = statement.with_changes(leading_lines=())
    return code_of(statement)


def _collision(
    text: str, name: str, binding: Binding, index: ModuleIndex, path: str, fix: str
) -> Rejected:
    line = index.line_of(binding.statement)
    return Rejected(
        "collision",
        f"The candidate's `{_flat(text)}` would rebind `{name}`, which {path} already binds at "
        f"line {line} (`{first_line(binding.statement)}`); {fix}.",
    )


def _shadows(text: str, name: str) -> Rejected:
    return Rejected(
        "collision",
        f"The candidate's `{_flat(text)}` would shadow the builtin `{name}` for the whole "
        "module; give it another name.",
    )


def _flat(node: cst.CSTNode | str) -> str:
    text = node if isinstance(node, str) else code_of(node)
    return " ".join(text.split())[:100]
