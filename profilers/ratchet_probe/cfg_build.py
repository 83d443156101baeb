"""The builder behind cfg.py: one function body's statements in, its basic blocks out.

`build(node)` walks the body once, in source order, so blocks are numbered in the order their
first statement appears. It keeps an *open* block (a body block that the next simple statement
may join) and *pending*, the blocks whose fall-through reaches whatever block comes next. A stack
of contexts (loops, try handlers, finally bodies, with statements) tells where return, raise,
break, continue and implicit exceptions go; jumps into a finally body or a handler are collected
and linked once that block exists. Which names a statement binds or mutates is worked out here
too (`bound`). Standard library only, Python 3.9 and later.
"""

from __future__ import annotations

import ast
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Union

EXIT = -1
MATCH = getattr(ast, "Match", None)
TRY_STAR = getattr(ast, "TryStar", None)
FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
RAISES = ("raise", "implicit")  # "implicit": any statement may raise; it never adds an EXIT edge
MUTATORS = frozenset(  # methods that change their object in place, on builtins and collections
    """append extend insert pop remove clear update add discard setdefault sort reverse popitem
    appendleft extendleft popleft rotate difference_update intersection_update
    symmetric_difference_update __setitem__ __delitem__""".split()  # noqa: SIM905
)


@dataclass
class RawBlock:
    kind: str
    lines: set[int] = field(default_factory=set)  # the lines this block claimed
    span: list[int] = field(default_factory=list)  # every line of its code, claimed or not
    successors: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


@dataclass
class _Loop:
    continue_to: list[int]
    breaks: list[int] = field(default_factory=list)


@dataclass
class _Handlers:
    entries: list[int] = field(default_factory=list)  # blocks whose exceptions reach the handlers


@dataclass
class _Finally:
    entries: list[int] = field(default_factory=list)  # blocks that run the finally body next
    actions: list[str] = field(default_factory=list)  # what those blocks were doing: resumed after
    jumps: list[tuple[int, str]] = field(default_factory=list)  # returns, breaks, continues


@dataclass
class _With:
    block: int  # the with header, whose line __exit__ runs on
    raisers: list[int] = field(default_factory=list)  # blocks whose exceptions reach __exit__


_Context = Union[_Loop, _Handlers, _Finally, _With]


def span(first: int, last: int | None) -> range:
    return range(first, (last or first) + 1)


def def_lines(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> list[int]:
    """The lines of a def or class statement the enclosing code runs: decorators and signature."""
    lines = [line for dec in node.decorator_list for line in span(dec.lineno, dec.end_lineno)]
    parts: list[ast.AST] = []
    if isinstance(node, ast.ClassDef):
        parts = [*node.bases, *node.keywords]
    else:
        args = node.args
        parts = [*args.posonlyargs, *args.args, *args.kwonlyargs, *args.defaults]
        parts += [a for a in (args.vararg, args.kwarg, node.returns) if a is not None]
        parts += [d for d in args.kw_defaults if d is not None]
    last = max([node.lineno] + [getattr(p, "end_lineno", None) or node.lineno for p in parts])
    return lines + list(span(node.lineno, last))


def bound(node: ast.AST, hidden: frozenset[str] = frozenset()) -> list[str]:
    """Names `node` binds or mutates in the function's scope, in source order (may repeat)."""
    if isinstance(node, ast.Lambda):
        return [n for d in (*node.args.defaults, *node.args.kw_defaults) if d for n in bound(d)]
    if isinstance(node, COMPREHENSIONS):
        return _comprehension(node, hidden)
    if isinstance(node, (*FUNCTIONS, ast.ClassDef)):
        return [n for part in _def_parts(node) for n in bound(part, hidden)] + [node.name]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [a.asname or a.name.split(".")[0] for a in node.names if a.name != "*"]
    if isinstance(node, ast.AnnAssign) and node.value is None:
        return []
    names = [n for child in ast.iter_child_nodes(node) for n in bound(child, hidden)]
    if type(node).__name__.startswith("Match"):  # a capture follows its sub-patterns
        return names + _own_name(node, hidden)
    return _own_name(node, hidden) + names


def _own_name(node: ast.AST, hidden: frozenset[str]) -> list[str]:
    name: str | None = None
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        name = node.id
    elif isinstance(node, (ast.Attribute, ast.Subscript)) and not isinstance(node.ctx, ast.Load):
        name = _root(node.value)
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        name = _root(node.func.value) if node.func.attr in MUTATORS else None
    elif type(node).__name__ in ("MatchAs", "MatchStar"):
        name = getattr(node, "name", None)
    elif type(node).__name__ == "MatchMapping":
        name = getattr(node, "rest", None)
    return [name] if name and name not in hidden else []


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _def_parts(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> list[ast.AST]:
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *node.keywords]
    defaults = [d for d in node.args.kw_defaults if d is not None]
    return [*node.decorator_list, *node.args.defaults, *defaults]


def _comprehension(node: ast.AST, hidden: frozenset[str]) -> list[str]:
    generators: list[ast.comprehension] = getattr(node, "generators", [])
    names = bound(generators[0].iter, hidden)  # the first iterable is evaluated outside
    inner = hidden | {n for g in generators for n in bound(g.target)}
    for part in generators[1:]:
        names += bound(part.iter, inner)
    for part in generators:
        names += [n for cond in part.ifs for n in bound(cond, inner)]
    for attr in ("elt", "key", "value"):
        if hasattr(node, attr):
            names += bound(getattr(node, attr), inner)
    return names


class Builder:
    """Turns one def's body into RawBlocks: Builder(node).blocks after build()."""

    def __init__(self) -> None:
        self.blocks: list[RawBlock] = []
        self.claimed: set[int] = set()
        self.pending: list[int] = []
        self.open: int | None = None
        self.stack: list[_Context] = []

    def build(self, body: list[ast.stmt]) -> list[RawBlock]:
        self.body(body)
        for index in self.pending:
            self.link(index, EXIT)
        _bypass_empty(self.blocks)
        return self.blocks

    # -- plumbing ------------------------------------------------------------------------------

    def link(self, source: int, target: int) -> None:
        if target not in self.blocks[source].successors:
            self.blocks[source].successors.append(target)

    def new(self, kind: str, lines: Sequence[int] = (), names: list[str] | None = None) -> int:
        index = len(self.blocks)
        self.blocks.append(RawBlock(kind))
        for source in self.pending:
            self.link(source, index)
        self.pending, self.open = [index], index if kind == "body" else None
        self.claim(index, lines, names or [])
        self.route(index, "implicit")
        return index

    def claim(self, index: int, lines: Sequence[int], names: list[str]) -> None:
        block = self.blocks[index]
        block.span += lines
        block.lines.update(line for line in lines if line not in self.claimed)
        self.claimed.update(lines)
        block.names += names

    def route(self, source: int, action: str) -> None:
        """Where `action` (return, raise, break, continue, implicit) from `source` goes next."""
        sources = [source]
        for context in reversed(self.stack):
            if isinstance(context, _With):  # __exit__ runs on the with line (on 3.9, see do_With)
                for each in sources:
                    self.link(each, context.block)
                context.raisers += sources if action in RAISES else []
                sources.append(context.block)
            elif self.deliver(context, sources, action):
                return
        if action != "implicit":
            for each in sources:
                self.link(each, EXIT)

    def deliver(self, context: _Context, sources: list[int], action: str) -> bool:
        """Hand `sources` doing `action` to `context`; False if it lets them through."""
        if isinstance(context, _Handlers) and action in RAISES:
            context.entries += sources
        elif isinstance(context, _Finally):
            context.entries += sources
            context.actions += [] if action in context.actions else [action]
            context.jumps += [] if action in RAISES else [(sources[0], action)]
        elif isinstance(context, _Loop) and action == "break":
            context.breaks += sources
        elif isinstance(context, _Loop) and action == "continue":
            for each in sources:
                for target in context.continue_to:
                    self.link(each, target)
        else:
            return False
        return True

    def jump(self, action: str) -> None:
        """The open block ends in return/raise/break/continue: nothing falls through it."""
        assert self.open is not None
        self.route(self.open, action)
        self.pending, self.open = [], None

    def body(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            handler = getattr(self, "do_" + type(statement).__name__, None)
            if handler is None:
                self.simple(statement)
            else:
                handler(statement)

    def nested(self, context: _Context, statements: list[ast.stmt]) -> None:
        self.stack.append(context)
        self.body(statements)
        self.stack.pop()

    # -- simple statements ---------------------------------------------------------------------

    def simple(self, node: ast.stmt) -> None:
        if self.open is None:
            self.new("body")
        assert self.open is not None
        if isinstance(node, (*FUNCTIONS, ast.ClassDef)):
            lines: Sequence[int] = def_lines(node)
        else:
            lines = span(node.lineno, node.end_lineno)
        self.claim(self.open, lines, bound(node))
        if isinstance(node, (ast.Return, ast.Raise)):
            self.blocks[self.open].kind = "return" if isinstance(node, ast.Return) else "raise"
            self.jump(self.blocks[self.open].kind)
        elif isinstance(node, (ast.Break, ast.Continue)):
            self.jump(type(node).__name__.lower())
        elif isinstance(node, ast.Assert):
            self.route(self.open, "raise")

    # -- compound statements -------------------------------------------------------------------

    def do_If(self, node: ast.If) -> None:
        test = self.new("branch", span(node.lineno, node.test.end_lineno), bound(node.test))
        self.body(node.body)
        exits, self.pending, self.open = self.pending, [test], None
        self.body(node.orelse)
        self.pending, self.open = exits + self.pending, None

    def do_While(self, node: ast.While) -> None:
        before = list(self.pending)
        test = self.new("branch", span(node.lineno, node.test.end_lineno), bound(node.test))
        if not (isinstance(node.test, ast.Constant) and node.test.value):
            self.loop_rest(node, _Loop([test]), [test])
            return
        entry = len(self.blocks)  # `while True:` 3.9 compiles to no code at all: what comes
        self.loop_rest(node, _Loop([test, entry]), [])  # before and the body's end go straight
        for source in before:  # to the body, as well as to the test the graph keeps
            self.link(source, entry)

    def do_For(self, node: ast.For | ast.AsyncFor) -> None:
        names = bound(node.target) + bound(node.iter)
        head = self.new("loop", span(node.lineno, node.iter.end_lineno), names)
        self.loop_rest(node, _Loop([head]), [head])

    do_AsyncFor = do_For

    def loop_rest(
        self, node: ast.While | ast.For | ast.AsyncFor, loop: _Loop, done: list[int]
    ) -> None:
        self.nested(loop, node.body)
        for source in self.pending:
            for target in loop.continue_to:
                self.link(source, target)
        self.pending, self.open = done, None
        self.body(node.orelse)
        self.pending, self.open = self.pending + loop.breaks, None

    def do_With(self, node: ast.With | ast.AsyncWith) -> None:
        ends = [i.optional_vars or i.context_expr for i in node.items]
        last = max(getattr(end, "end_lineno", None) or node.lineno for end in ends)
        names = [n for item in node.items for n in bound(item)]
        head = self.new("with", span(node.lineno, last), names)
        context, first = _With(head), len(self.blocks)
        self.nested(context, node.body)
        for source in self.pending:
            self.link(source, head)
        self.pending, self.open = [head, *self.pending], None  # 3.9 skips the with line ...
        last = max(range(first, len(self.blocks)), key=lambda i: max(self.blocks[i].span))
        for source in context.raisers:  # ... and runs __exit__ for an exception on the line
            self.link(source, last)  # of the body's last statement
        self.pending += [last] if context.raisers else []

    do_AsyncWith = do_With

    def do_Match(self, node: ast.Match) -> None:  # only reached on 3.10+, where ast.Match exists
        self.new("match", span(node.lineno, node.subject.end_lineno), bound(node.subject))
        exits: list[int] = []
        for case in node.cases:
            pattern, guard = case.pattern, case.guard
            names = bound(pattern) + (bound(guard) if guard else [])
            test = self.new("branch", span(pattern.lineno, (guard or pattern).end_lineno), names)
            self.body(case.body)
            exits += self.pending
            catch_all = isinstance(pattern, ast.MatchAs) and pattern.pattern is None
            self.pending, self.open = [] if catch_all and guard is None else [test], None
        self.pending, self.open = exits + self.pending, None

    def do_Try(self, node: ast.Try) -> None:  # ast.TryStar (3.11+) has the same fields
        if node.body[0].lineno != node.lineno:  # the `try:` line runs (a NOP) before the guard
            self.claim(self.open if self.open is not None else self.new("body"), [node.lineno], [])
        final, handlers = _Finally(), _Handlers()
        if node.finalbody:
            self.stack.append(final)
        self.open = None
        if node.handlers:
            self.nested(handlers, node.body)
        else:
            self.body(node.body)
        self.open = None
        self.body(node.orelse)
        exits = list(self.pending)
        exits += self.handlers(node, handlers.entries)
        if node.finalbody:
            self.stack.pop()
            self.finally_body(node.finalbody, final, exits)
        else:
            self.pending, self.open = exits, None

    do_TryStar = do_Try

    def handlers(self, node: ast.Try, entries: list[int]) -> list[int]:
        """Build the except clauses; return the blocks that fall out of them."""
        star = TRY_STAR is not None and isinstance(node, TRY_STAR)
        exits: list[int] = []
        self.pending, test = entries, None
        for handler in node.handlers:
            names = bound(handler.type) if handler.type else []
            kind_end = handler.type.end_lineno if handler.type else None
            names += [handler.name] if handler.name else []
            test = self.new("handler", span(handler.lineno, kind_end), names)
            self.body(handler.body)
            exits += self.pending + ([test] if star else [])  # except*: maybe nothing is left
            self.pending = [test] + (self.pending if star else [])
        if test is not None and (star or node.handlers[-1].type is not None):
            for source in self.pending:
                self.route(source, "raise")  # no clause matched: the exception goes on
        self.pending = []
        return exits

    def finally_body(self, statements: list[ast.stmt], final: _Finally, exits: list[int]) -> None:
        self.pending, self.open = exits + final.entries, None
        self.body(statements)
        for source in self.pending:
            for action in final.actions:
                self.route(source, action)
        for jumper, action in final.jumps:  # 3.9 ends a jump through finally on its own line
            for source in self.pending:
                self.link(source, jumper)
            self.route(jumper, action)  # on from there, to what encloses this try
        self.open = None


def _bypass_empty(blocks: list[RawBlock]) -> None:
    """A block whose lines an earlier block claimed (`if x: break` on one line) never shows in a
    line trace, so whatever precedes it may appear to go straight to where it leads."""
    changed = True
    while changed:
        changed = False
        for block in blocks:
            for target in list(block.successors):
                if target == EXIT or blocks[target].lines:
                    continue
                for onward in blocks[target].successors:
                    if onward not in block.successors:
                        block.successors.append(onward)
                        changed = True
