"""Control-flow graphs of Python functions, built from the source with `ast`.

A FunctionGraph is one def (or async def) at any depth, keyed by its qualname as
`code.co_qualname` spells it on 3.11: "f", "C.m", "outer.<locals>.inner". Its blocks are basic
blocks: maximal runs of statements entered only at the top and left only at the bottom, numbered
in source order, block 0 being the entry (it holds the docstring).

What a block owns. A simple statement owns every line from its first to its last (a call over
five lines is five lines of one block). A compound statement's header is a block of its own that
owns only the header's lines: the `if`/`elif`/`while` test ("branch"), a `for` target and
iterable ("loop"), the `with` items ("with"), an `except` clause ("handler"), the `match` subject
("match") and each `case` pattern with its guard ("branch"); the bodies are other blocks. The
`try:` line, which has code of its own (a no-op on 3.11), belongs to the block before the body; `else:`
and `finally:` lines run nothing and belong to no block. A nested def or class is a statement of
the enclosing block, which owns its decorators and signature (they run there); its body is not in
the outer graph (a nested def is a FunctionGraph of its own). Lambdas, comprehensions and
generator expressions are opaque parts of their statement. A line lies in at most one block: on a
one-line `if x: return x`, the header claims the line and the body block keeps `lines == ()`.

Successors. -1 means leaving the function. A block lists where control may go next: a test its
body and what follows; a loop body's end its header again; break the code after the loop; an
explicit return, raise or failed assert leaves (-1), through every enclosing finally body and
with statement on the way (`__exit__` runs on the with line, so a with header is also where its
body goes when it ends, by any route). Exceptions any statement may raise are edges only where
something catches them: from each block of a try body to its first except clause, from a clause
to the next when it does not match, into a finally body, into a with statement's exit. Where a
block lists no lines (see above), its predecessors also list its successors, since no line event
can show it ran. Some edges exist for 3.9's line events, checked against 3.9 to 3.13: a with
body's end also goes straight past the with line, an exception there to the block of the body's
last line; a return, break or continue through a finally body comes back to its own block after
it; what precedes `while True:` goes straight to the body too. The graph over-approximates:
every real run is a path in it, not the reverse.

`assigns` are the local names a block binds (assignment, augmented and annotated assignment with
a value, for targets, with ... as, except ... as, walrus, import, del, def and class names, match
captures) or mutates (x.append(...) and other well-known mutating methods, x[i] = ..., x.attr =
...), first-seen order; names declared `global` are left out.

Line numbers: `first_line` is the first decorator's line (what `code.co_firstlineno` is on 3.8
and later), `def_line` the line of the `def` keyword, `end_line` the last line of the body.
Standard library only, Python 3.9 and later.
"""

from __future__ import annotations

import ast
import textwrap
import types
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Union

from .cfg_build import EXIT, FUNCTIONS, Builder, RawBlock

__all__ = ["EXIT", "Block", "FunctionGraph", "function_graphs", "graph_of_code"]

_Function = Union[ast.FunctionDef, ast.AsyncFunctionDef]


@dataclass(frozen=True)
class Block:
    index: int  # position in FunctionGraph.blocks; 0 is the entry block
    start_line: int
    end_line: int
    lines: tuple[int, ...]  # the source lines whose code belongs to this block, sorted
    successors: tuple[int, ...]  # blocks control may go to next; -1 leaves the function
    kind: str  # body | branch | loop | handler | with | match | return | raise
    assigns: tuple[str, ...]  # local names bound or mutated, first-seen order


@dataclass(frozen=True)
class FunctionGraph:
    qualname: str
    name: str
    filename: str
    first_line: int  # the first decorator's line, else the def line (code.co_firstlineno)
    def_line: int  # the line of the `def` keyword
    end_line: int
    blocks: tuple[Block, ...]
    _owner: dict[int, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for block in self.blocks:
            self._owner.update(dict.fromkeys(block.lines, block.index))

    def block_at(self, line: int) -> Block | None:
        """The block that owns `line`; None for a line with no code of this body (blank, comment,
        `else:`, `finally:`, a nested def's body) and for lines outside it."""
        index = self._owner.get(line)
        return None if index is None else self.blocks[index]

    def source_of(self, block: Block, source_lines: Sequence[str]) -> str:
        """The block's lines of `source_lines` (the file's lines, with or without line ends),
        dedented and joined by newlines, without a final one."""
        text = [source_lines[n - 1].rstrip("\r\n") for n in block.lines if n <= len(source_lines)]
        return textwrap.dedent("\n".join(text))


def function_graphs(source: str, filename: str = "<string>") -> dict[str, FunctionGraph]:
    """The graph of every def and async def in `source`, by qualname; where two defs share a
    qualname, the later one (the one the name ends up bound to). SyntaxError on bad source."""
    tree = ast.parse(source, filename)
    return {qualname: _graph(node, qualname, filename) for qualname, node in _functions(tree.body)}


def graph_of_code(code: types.CodeType, source: str) -> FunctionGraph | None:
    """The graph of the def that compiled to `code` (same name and co_firstlineno, and on 3.11
    the same qualname where several match), None if `source` has no such def."""
    tree = ast.parse(source, code.co_filename)
    wanted = getattr(code, "co_qualname", None)
    found: tuple[str, _Function] | None = None
    for qualname, node in _functions(tree.body):
        same = node.name == code.co_name and _first_line(node) == code.co_firstlineno
        if same and (found is None or qualname == wanted):
            found = (qualname, node)
    return None if found is None else _graph(found[1], found[0], code.co_filename)


def _functions(body: list[ast.stmt], prefix: str = "") -> Iterator[tuple[str, _Function]]:
    for node in _scope(body):
        if isinstance(node, FUNCTIONS):
            yield prefix + node.name, node
            yield from _functions(node.body, f"{prefix}{node.name}.<locals>.")
        elif isinstance(node, ast.ClassDef):
            yield from _functions(node.body, f"{prefix}{node.name}.")


def _scope(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Every statement of one scope, in source order, inside compound statements too but not
    inside nested defs and classes (those are yielded, their bodies are not)."""
    for node in body:
        yield node
        if isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            continue
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                yield from _scope([child])
            elif isinstance(child, ast.excepthandler) or type(child).__name__ == "match_case":
                yield from _scope(getattr(child, "body", []))


def _first_line(node: _Function) -> int:
    return min([node.lineno] + [decorator.lineno for decorator in node.decorator_list])


def _graph(node: _Function, qualname: str, filename: str) -> FunctionGraph:
    declared = {n for s in _scope(node.body) if isinstance(s, ast.Global) for n in s.names}
    raw = Builder().build(node.body)
    blocks = tuple(_block(index, block, declared) for index, block in enumerate(raw))
    end = node.end_lineno or node.lineno
    return FunctionGraph(qualname, node.name, filename, _first_line(node), node.lineno, end, blocks)


def _block(index: int, raw: RawBlock, declared: set[str]) -> Block:
    lines = tuple(sorted(raw.lines))
    extent = lines or tuple(sorted(raw.span)) or (0,)
    names = tuple(dict.fromkeys(name for name in raw.names if name not in declared))
    return Block(index, extent[0], extent[-1], lines, tuple(raw.successors), raw.kind, names)
