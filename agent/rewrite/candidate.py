"""Reading a candidate: imports, module-level helpers, and exactly one def of the target.

`decode_candidate` first turns a candidate file's bytes into its text, or says why they are no
candidate at all (too large, binary, not UTF-8, no code); `read_candidate` then splits the text.

The candidate is module text. Its def may sit at column 0 (what `Rewrite.source()` writes) or
keep the indentation it had in its class (what an LLM copying a method writes): an indented
candidate is parsed inside a synthetic block, so string literals keep their exact content.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import libcst as cst

from .outcomes import Rejected
from .signature import decorators_reason
from .text import BOM, NEWLINE, first_line, nesting_problem, parse_problem

MAX_CANDIDATE_BYTES = 2**20  # one function's source, its imports and helpers: far less
IMPORTS = (cst.Import, cst.ImportFrom)
ASSIGNMENTS = (cst.Assign, cst.AnnAssign)
ALLOWED = "imports, module-level helpers (assignments, functions, classes) and one def"


@dataclass(frozen=True)
class Candidate:
    function: cst.FunctionDef
    imports: tuple[cst.SimpleStatementLine, ...]
    helpers: tuple[cst.BaseStatement, ...]  # in the candidate's order
    decorators_reason: str | None  # from a `# ratchet: decorators changed because ...` line


@dataclass(frozen=True)
class Unreadable:
    """Bytes that are no candidate at all; `why` completes a sentence about the file."""

    why: str


def decode_candidate(data: bytes) -> str | Unreadable:
    """The candidate's text: at most MAX_CANDIDATE_BYTES of UTF-8 with some code in it."""
    if len(data) > MAX_CANDIDATE_BYTES:
        return Unreadable(
            f"is larger than {MAX_CANDIDATE_BYTES // 2**20} MiB, far more than one function's "
            "source; pass a file with just the new function (and its imports and helpers)"
        )
    if b"\0" in data:
        return Unreadable(
            f"holds a NUL byte (at offset {data.index(0)}), so it is a binary file, not Python "
            "source; pass the .py file with the new function"
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return Unreadable(
            f"is not UTF-8 text (byte 0x{data[exc.start]:02x} on line {line}); save it as UTF-8"
        )
    lines = [line.strip() for line in NEWLINE.split(text.removeprefix(BOM))]
    if not any(lines):
        empty = "is empty" if not text.removeprefix(BOM) else "holds only whitespace"
        return Unreadable(f"{empty}; it must hold the new function's source")
    if all(not line or line.startswith("#") for line in lines):
        return Unreadable("holds only comments; it must hold the new function's source")
    return text


def top_level_defs(text: str) -> tuple[str, ...] | None:
    """The names of the candidate's function definitions (at its top level, or at the one
    indentation it is written at); None when it does not parse."""
    parsed = _parse(text.removeprefix(BOM))
    if isinstance(parsed, Rejected):
        return None
    return tuple(s.name.value for s in parsed[0] if isinstance(s, cst.FunctionDef))


def read_candidate(text: str, name: str) -> Candidate | Rejected:
    """Split the candidate into its parts, or say what about it is not acceptable."""
    parsed = _parse(text.removeprefix(BOM))
    if isinstance(parsed, Rejected):
        return parsed
    statements, header = parsed
    imports: list[cst.SimpleStatementLine] = []
    helpers: list[cst.BaseStatement] = []
    defs: list[cst.FunctionDef] = []
    for statement in statements:
        if isinstance(statement, cst.FunctionDef) and statement.name.value == name:
            defs.append(statement)
        elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
            helpers.append(statement)
        elif (problem := _simple_problem(statement, name)) is not None:
            return problem
        elif isinstance(statement, cst.SimpleStatementLine):
            kind = imports if isinstance(statement.body[0], IMPORTS) else helpers
            kind.append(statement)
    if len(defs) != 1:
        return _count_problem(name, len(defs), helpers)
    outside = [*header, *(line for s in statements for line in getattr(s, "leading_lines", ()))]
    reason = decorators_reason(defs[0], outside)
    return Candidate(defs[0], tuple(imports), tuple(helpers), reason)


Parsed = tuple[Sequence[cst.BaseStatement], Sequence[cst.EmptyLine]]


def _parse(text: str) -> Parsed | Rejected:
    """The candidate's statements and the comment lines that open and close it."""
    if not _indented(text):
        if (problem := nesting_problem(text)) is not None:
            return _unparsable(problem)
        try:
            module = cst.parse_module(text)
            return module.body, (*module.header, *module.footer)
        except cst.ParserSyntaxError as exc:
            return _unparsable(parse_problem(text, exc))
    newline = match[0] if (match := NEWLINE.search(text)) else "\n"
    wrapped = f"if True:{newline}{text}"
    if (problem := nesting_problem(wrapped)) is not None:
        return _unparsable(problem)
    try:
        module = cst.parse_module(wrapped)
    except cst.ParserSyntaxError as exc:
        return _unparsable(parse_problem(wrapped, exc, first_line=2))
    block, *rest = module.body
    assert isinstance(block, cst.If) and isinstance(block.body, cst.IndentedBlock)
    return (*block.body.body, *rest), ()


def _indented(text: str) -> bool:
    for line in NEWLINE.split(text):
        if line.strip() and not line.lstrip().startswith("#"):
            return line[0] in " \t"
    return False


def _unparsable(problem: str) -> Rejected:
    return Rejected(
        "candidate-syntax",
        f"The candidate does not parse: {problem}. Send {ALLOWED} of the target, as valid Python.",
    )


def _simple_problem(statement: cst.BaseStatement, name: str) -> Rejected | None:
    if not isinstance(statement, cst.SimpleStatementLine):
        return _content(statement, name)
    small = statement.body
    if all(isinstance(s, IMPORTS) for s in small):
        return None
    if not all(isinstance(s, ASSIGNMENTS) for s in small):
        return _content(statement, name)
    for assignment in small:
        targets = (
            [t.target for t in assignment.targets]
            if isinstance(assignment, cst.Assign)
            else [getattr(assignment, "target", None)]
        )
        if not all(_plain(target) for target in targets):
            return Rejected(
                "candidate-content",
                f"The candidate's helper `{first_line(statement)}` assigns to something other "
                "than a plain name, which would change an existing object when the module is "
                "imported; bind new names only.",
            )
    return None


def _plain(target: cst.CSTNode | None) -> bool:
    if isinstance(target, cst.Name):
        return True
    if isinstance(target, (cst.Tuple, cst.List)):
        return all(_plain(e.value) for e in target.elements)
    return False


def _content(statement: cst.BaseStatement, name: str) -> Rejected:
    return Rejected(
        "candidate-content",
        f"The candidate may hold only {ALLOWED} of `{name}`, but it also has "
        f"`{first_line(statement)}`; move that into the function or into a helper.",
    )


def _count_problem(name: str, count: int, helpers: list[cst.BaseStatement]) -> Rejected:
    if count > 1:
        return Rejected(
            "definition-count",
            f"The candidate defines `{name}` {count} times; give exactly one `def {name}`, "
            "and give helpers other names.",
        )
    for helper in helpers:
        if isinstance(helper, cst.ClassDef) and _defines(helper, name):
            return Rejected(
                "definition-count",
                f"The candidate defines `{name}` only inside `class {helper.name.value}`; for a "
                f"method, send just its `def {name}(...)` block (plus imports and helpers), "
                "without the class around it.",
            )
    others = [h.name.value for h in helpers if isinstance(h, cst.FunctionDef)]
    instead = f"; it defines {', '.join(f'`{o}`' for o in others)} instead" if others else ""
    return Rejected(
        "definition-count",
        f"The candidate defines no function `{name}`{instead}. Send exactly one "
        f"`def {name}(...)` with the module's signature, plus any imports and helpers it needs.",
    )


def _defines(node: cst.ClassDef, name: str) -> bool:
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    return any(isinstance(s, cst.FunctionDef) and s.name.value == name for s in body)
