"""The probe's control-flow graphs (profilers/ratchet_probe/cfg.py) against real executions.

Each sample below is compiled from a real file and run under sys.settrace on inputs that take
every branch. For every frame of a sample function, the graph found by graph_of_code must own
each traced line in exactly one block, the trace must be a path in the graph (a move to another
block follows an edge and lands on that block's first statement; inside a block it goes forward
without skipping a statement, or back only within one multi-line statement), and every block
that holds a statement which produces a line event must be visited by some input.
"""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import inspect
import itertools
import sys
import textwrap
import types
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from profilers.ratchet_probe.cfg import Block, FunctionGraph, function_graphs, graph_of_code

STRAIGHT = '''
G = 0


class Holder:
    value = None


def straight(x, y=2):
    """A docstring
    over two lines."""
    global G
    a = x + y
    b: int = a * 2
    c: int
    a += 1
    items = [a, b]
    items.append(
        x,
    )
    table = {}
    table["k"] = a
    holder = Holder()
    holder.value = b
    del table["k"]
    import math
    from os import sep as separator
    assert a > 0, (
        "positive"
    )
    G = a
    del items
    n = (m := len(separator)) + m
    squares = [i * i for i in range(x) if (kept := i) >= 0]
    pick = lambda v: v + 1  # noqa: E731
    total = sum(
        squares
    )
    return (total, pick(n),
            math.floor(G), kept)
'''

BRANCHES = """
def classify(n):
    if n < 0:
        kind = "negative"
    elif n == 0:
        kind = "zero"
    elif (n > 100
          and n % 2 == 0):
        kind = "big even"
    else:
        if n % 2:
            kind = "odd"
        else:
            kind = "even"
    if n == 7: return "seven"
    if n == 8:
        pass
    # a comment inside the body

    label = kind.upper() if len(kind) > 3 else kind
    return label
"""

LOOPS = """
def loops(items):
    total = 0
    for i, item in enumerate(items):
        if item is None:
            continue
        if item < 0:
            break
        total += item
    else:
        total = -total
    count = 0
    while count < len(items):
        count += 1
        if count > 5:
            break
    else:
        count = -1
    n = 0
    while True:
        n += 1
        if n >= 3:
            break
    while 1:
        n += 1
        if n > 10: break
    for a in range(2):
        for b in range(2):
            if a == b: continue
            total += a * b
    return total, count, n


def countdown(n):
    while n:
        n -= 1
    return n


def search(rows, target):
    for row in rows:
        for value in row:
            if value == target:
                return True
    return False
"""

TRIES = """
def tries(x):
    log = []
    try:
        log.append("start")
        if x == 0:
            raise ValueError("zero")
        value = 10 // (x - 1)
    except ValueError as error:
        log.append(str(error))
        value = -1
    except ZeroDivisionError:
        log.append("div")
        value = -2
    else:
        log.append("else")
    finally:
        log.append("finally")
    return value, log


def reraise(x, strict):
    try:
        try:
            return int(x)
        finally:
            x = None
    except (TypeError,
            ValueError):
        if strict:
            raise
        return 0


def loop_finally(items):
    out = []
    for item in items:
        try:
            if item < 0:
                break
            if item == 0:
                continue
            out.append(10 // (item - 1))
        except ZeroDivisionError as e:
            out.append(e)
        finally:
            out.append("f")
    return out


def bare(x):
    try:
        1 / x
    except:  # noqa: E722
        x = 5
    try:
        return 1 / (x - 5)
    except ZeroDivisionError:
        return None
    finally:
        x = 0


def unmatched(x):
    try:
        return {"a": 1}[x]
    except TypeError:
        return "type"
"""

STAR = """
def groups(kinds):
    seen = []
    try:
        errors = [ValueError(1) if k == "v" else KeyError(k) for k in kinds]
        if errors:
            raise ExceptionGroup("many", errors)
        seen.append("none")
    except* ValueError as group:
        seen.append(len(group.exceptions))
    except* KeyError:
        seen.append("key")
    return seen
"""

WITHS = """
import contextlib


class Box:
    def __init__(self, log):
        self.log = log

    def __enter__(self):
        self.log.append("enter")
        return self

    def __exit__(self, *exc):
        self.log.append("exit")
        return exc[0] is KeyError

    async def __aenter__(self):
        return self.__enter__()

    async def __aexit__(self, *exc):
        return self.__exit__(*exc)


def withs(x):
    log = []
    with Box(log) as box, contextlib.nullcontext(
        x
    ) as value:
        log.append(value)
        if x == 1:
            raise KeyError(x)
        if x == 2:
            return log
    with Box(log):
        if x == 3:
            raise ValueError(x)
    for i in range(2):
        with Box(log):
            if i == x:
                continue
            log.append(i)
    return log, box


async def ticks(n):
    for i in range(n):
        yield i


async def asyncs(n):
    log = []
    async with Box(log) as box:
        async for tick in ticks(n):
            log.append(tick)
            if tick == 5:
                break
        else:
            log.append("done")
    return log, box
"""

MATCHES = """
class Point:
    __match_args__ = ("x", "y")

    def __init__(self, x, y):
        self.x, self.y = x, y


def describe(value):
    result = None
    match value:
        case 0 | 1:
            result = "small"
        case [first, *rest] if first > 0:
            result = f"list {first} {rest}"
        case {"name": str(name), **extra}:
            result = name + str(len(extra))
        case Point(x=0, y=yy) as point:
            result = (yy, point)
        case str() as text if (
            len(text) > 2
        ):
            result = text
    return result


def command(line):
    match line.split():
        case ["go", direction]:
            return direction
        case ["quit"]:
            return None
        case _:
            return "?"
"""

NESTED = """
def deco(fn):
    return fn


def outer(n):
    base = n * 2

    @deco
    def inner(k=base,
              *, scale=2):
        return k * scale + base

    class Local:
        size = n

        def method(self):
            return self.size

        @staticmethod
        def helper():
            def deepest():
                return 1
            return deepest()

    def gen():
        for i in range(n):
            yield i

    values = list(gen())
    total = inner() + Local().method() + Local.helper()
    adder = lambda v: v + base  # noqa: E731
    return total + adder(sum(values)) + sum(x for x in values)


class Outer:
    class Inner:
        def method(self):
            return 2

    def method(self, flag):
        if flag:
            return self.Inner().method()
        return 0

    async def amethod(self):
        return 1
"""

SAMPLES: dict[str, tuple[str, list[str]]] = {
    "straight": (STRAIGHT, ["straight(3)", "straight(-5)"]),
    "branches": (BRANCHES, [f"classify({n})" for n in (-1, 0, 102, 3, 4, 7, 8, 101)]),
    "loops": (
        LOOPS,
        [
            "loops([1, 2, 3])",
            "loops([1, None, -1, 4])",
            "loops(list(range(8)))",
            "loops([])",
            "countdown(3)",
            "countdown(0)",
            "search([[1], [2, 3]], 3)",
            "search([[1]], 5)",
        ],
    ),
    "tries": (
        TRIES,
        [
            *(f"tries({x})" for x in (0, 1, 2)),
            *(f"reraise({x!r}, {s})" for x in ("5", "no") for s in (True, False)),
            "loop_finally([2, 0, 1, -1, 5])",
            *(f"bare({x})" for x in (0, 1, 2)),
            *(f"unmatched({x!r})" for x in ("a", "b", [])),
        ],
    ),
    "star": (STAR, [f"groups({k!r})" for k in ([], ["v"], ["k"], ["v", "k"])]),
    "withs": (WITHS, [*(f"withs({x})" for x in range(5)), "asyncs(2)", "asyncs(7)"]),
    "matches": (
        MATCHES,
        [
            *(
                f"describe({v})"
                for v in ("0", "[1, 2]", "[0]", "{'name': 'n', 'a': 1}", "Point(0, 5)")
            ),
            *(f"describe({v!r})" for v in ("abc", "a", 3.5)),
            *(f"command({v!r})" for v in ("go north", "quit", "dance")),
        ],
    ),
    "nested": (NESTED, ["outer(3)", "Outer().method(True)", "Outer().method(False)"]),
}
if sys.version_info < (3, 11):
    del SAMPLES["star"]


# -- running the samples ---------------------------------------------------------------------


def load(tmp_path: Path, name: str, source: str) -> tuple[str, dict[str, Any]]:
    path = tmp_path / f"cfg_sample_{name}.py"
    path.write_text(source)
    namespace: dict[str, Any] = {"__name__": f"cfg_sample_{name}"}
    exec(compile(source, str(path), "exec"), namespace)
    return str(path), namespace


def run_traced(path: str, namespace: dict[str, Any], call: str) -> list[tuple[Any, list[int]]]:
    """Evaluate `call`, returning (code, line events) for each frame of code from `path`."""
    runs: dict[Any, tuple[types.CodeType, list[int]]] = {}

    def local(frame: Any, event: str, arg: Any) -> Any:
        if event == "line":
            runs[frame][1].append(frame.f_lineno)
        return local

    def tracer(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename != path:
            return None
        runs.setdefault(frame, (frame.f_code, []))
        return local

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        result = eval(call, namespace)
        if inspect.iscoroutine(result):
            asyncio.run(result)
    except Exception:
        pass  # raising is one of the paths under test
    finally:
        sys.settrace(previous)
    return list(runs.values())


def scope(node: ast.AST) -> list[ast.AST]:
    """The statements, except handlers and match cases of one function's own body."""
    found: list[ast.AST] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.stmt, ast.excepthandler)) or type(child).__name__ == "match_case":
            found.append(child)
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found += scope(child)
    return found


def header_end(node: ast.AST) -> int | None:
    """The last line of a compound statement's header expression, None for simple statements."""
    part = None
    if isinstance(node, (ast.If, ast.While)):
        part = node.test
    elif isinstance(node, (ast.For, ast.AsyncFor)):
        part = node.iter
    elif type(node).__name__ == "Match":
        part = getattr(node, "subject", None)
    elif isinstance(node, (ast.With, ast.AsyncWith)):
        part = node.items[-1].optional_vars or node.items[-1].context_expr
    if type(node).__name__ == "match_case":
        part = getattr(node, "guard", None) or getattr(node, "pattern", None)
    if isinstance(node, ast.ExceptHandler):
        return node.type.end_lineno if node.type else node.lineno
    if isinstance(node, (ast.Try, getattr(ast, "TryStar", ast.Try))):
        return node.lineno
    return getattr(part, "end_lineno", None)


class Oracle:
    """What the source says about one function: where statements start (the lines that must
    produce a line event when the statement runs) and which line ranges are one statement."""

    def __init__(self, source: str, graph: FunctionGraph) -> None:
        tree = ast.parse(source)
        node = next(
            n
            for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.lineno == graph.def_line
        )
        self.starts: set[int] = set()
        self.spans: list[tuple[int, int]] = []
        for stmt in scope(node):
            first = getattr(stmt, "lineno", None) or stmt.pattern.lineno  # type: ignore[attr-defined]
            first = min([first] + [d.lineno for d in getattr(stmt, "decorator_list", [])])
            end = header_end(stmt)
            if end is None:
                end = stmt.end_lineno  # type: ignore[attr-defined]
            self.spans.append((first, end))
            forever = isinstance(stmt, ast.While) and isinstance(stmt.test, ast.Constant)
            quiet = (
                isinstance(stmt, (ast.Global, ast.Nonlocal, ast.Pass))  # no code on 3.9
                or (forever and sys.version_info < (3, 10))
                or (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))
                or (isinstance(stmt, ast.AnnAssign) and stmt.value is None)
            )
            if not quiet:
                self.starts.add(first)

    def same_statement(self, a: int, b: int) -> bool:
        return any(first <= min(a, b) and max(a, b) <= end for first, end in self.spans)

    def skipped(self, graph: FunctionGraph, block: Block, after: int, before: int) -> list[int]:
        """Statement starts of `block` strictly between two lines: lines a trace skipped."""
        return [s for s in self.starts if after < s < before and graph.block_at(s) is block]


def check_path(graph: FunctionGraph, oracle: Oracle, lines: list[int]) -> None:
    for line in lines:
        assert graph.block_at(line) is not None, f"{graph.qualname}: line {line} in no block"
    first = graph.block_at(lines[0]) if lines else None
    if first is not None:
        assert first.index in reachable(graph, 0)
    for previous, line in itertools.pairwise(lines):
        here, there = graph.block_at(previous), graph.block_at(line)
        assert here is not None and there is not None
        where = f"{graph.qualname}: {previous} -> {line} in {lines}"
        if there is here and line >= previous:
            assert not oracle.skipped(graph, here, previous, line), where
        elif there is here and oracle.same_statement(previous, line):
            pass
        else:
            assert there.index in here.successors, where
            assert not oracle.skipped(graph, there, there.start_line - 1, line), where


def reachable(graph: FunctionGraph, start: int) -> set[int]:
    seen, todo = {start}, [start]
    while todo:
        for nxt in graph.blocks[todo.pop()].successors:
            if nxt >= 0 and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def class_names(source: str) -> set[str]:
    return {n.name for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ClassDef)}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_traces_are_paths_in_the_graph(tmp_path: Path, name: str) -> None:
    source, calls = SAMPLES[name]
    path, namespace = load(tmp_path, name, source)
    visited: dict[str, set[int]] = {}
    graphs: dict[str, FunctionGraph] = {}
    for call in calls:
        for code, lines in run_traced(path, namespace, call):
            graph = graph_of_code(code, source)
            if code.co_name.startswith("<") or code.co_name in class_names(source):
                assert graph is None, code.co_name  # module, lambda, genexpr, class body
                continue
            assert graph is not None, code.co_name
            assert graph.qualname == getattr(code, "co_qualname", graph.qualname)
            assert graph.filename == path
            check_path(graph, Oracle(source, graph), lines)
            graphs[graph.qualname] = graph
            visited.setdefault(graph.qualname, set()).update(lines)
    assert graphs
    for qualname, graph in graphs.items():
        oracle = Oracle(source, graph)
        for block in graph.blocks:
            if oracle.starts & set(block.lines):
                assert visited[qualname] & set(block.lines), f"{qualname}: {block} never ran"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_line_in_at_most_one_block(name: str) -> None:
    source = SAMPLES[name][0]
    for graph in function_graphs(source).values():
        counts = Counter(line for block in graph.blocks for line in block.lines)
        assert [line for line, n in counts.items() if n > 1] == []
        assert [b.index for b in graph.blocks] == list(range(len(graph.blocks)))
        for block in graph.blocks:
            assert list(block.lines) == sorted(set(block.lines))
            assert graph.def_line < block.start_line <= block.end_line <= graph.end_line
            assert all(s == -1 or 0 <= s < len(graph.blocks) for s in block.successors)
            for line in block.lines:
                assert graph.block_at(line) is block


# -- the graph's shape -----------------------------------------------------------------------


def graphs_of(source: str) -> dict[str, FunctionGraph]:
    return function_graphs(textwrap.dedent(source), "sample.py")


def line_of(source: str, text: str, nth: int = 0) -> int:
    hits = [i for i, line in enumerate(source.splitlines(), 1) if text in line]
    return hits[nth]


def at(graph: FunctionGraph, source: str, text: str, nth: int = 0) -> Block:
    block = graph.block_at(line_of(source, text, nth))
    assert block is not None, text
    return block


def test_headers_are_blocks_of_their_own() -> None:
    graph = function_graphs(BRANCHES)["classify"]
    test = at(graph, BRANCHES, "if n < 0")
    assert test.kind == "branch" and test.lines == (line_of(BRANCHES, "if n < 0"),)
    assert at(graph, BRANCHES, '"negative"') is not test
    elif_test = at(graph, BRANCHES, "elif (n > 100")
    assert elif_test.lines == (line_of(BRANCHES, "n > 100"), line_of(BRANCHES, "and n % 2"))
    second = at(graph, BRANCHES, "elif n == 0")
    assert test.successors == (at(graph, BRANCHES, '"negative"').index, second.index)
    assert elif_test.index in second.successors  # a false test goes to the next one
    assert at(graph, BRANCHES, '"zero"').index not in test.successors
    after = at(graph, BRANCHES, "if n == 7")
    assert after.index in at(graph, BRANCHES, '"big even"').successors
    assert graph.block_at(line_of(BRANCHES, "else:")) is None
    assert graph.block_at(line_of(BRANCHES, "# a comment")) is None


def test_loops_split_header_body_and_after() -> None:
    graph = function_graphs(LOOPS)["loops"]
    head = at(graph, LOOPS, "for i, item")
    assert head.kind == "loop" and head.assigns == ("i", "item")
    body = at(graph, LOOPS, "if item is None")
    assert body is not head and body.index in head.successors
    add = at(graph, LOOPS, "total += item")
    assert head.index in add.successors  # the back edge
    assert head.index in at(graph, LOOPS, "continue", 0).successors
    after_else = at(graph, LOOPS, "count = 0")
    assert after_else is not add and after_else is not head
    assert at(graph, LOOPS, "break", 0).successors == (after_else.index,)
    assert at(graph, LOOPS, "total = -total").index in head.successors  # for ... else
    whiles = at(graph, LOOPS, "while count <")
    assert whiles.kind == "branch"
    assert at(graph, LOOPS, "count = -1").index in whiles.successors
    forever = at(graph, LOOPS, "while True")
    after_forever = at(graph, LOOPS, "while 1")
    assert after_forever.index not in forever.successors  # only break leaves `while True`
    bottom = at(graph, LOOPS, "if n >= 3")  # where 3.9 jumps back to, skipping the header
    assert set(bottom.successors) >= {forever.index, at(graph, LOOPS, "n += 1", 0).index}
    last = at(graph, LOOPS, "return total")
    assert last.kind == "return" and last.successors == (-1,)


def test_one_line_bodies_keep_no_lines_and_are_bypassed() -> None:
    graph = function_graphs(BRANCHES)["classify"]
    test = at(graph, BRANCHES, 'if n == 7: return "seven"')
    body = graph.blocks[test.successors[0]]
    assert body.kind == "return" and body.lines == () and body.start_line == test.start_line
    assert -1 in test.successors  # what the return does, as seen from the line trace
    loops = function_graphs(LOOPS)["loops"]
    breaks = at(loops, LOOPS, "if n > 10: break")
    assert at(loops, LOOPS, "for a in range").index in breaks.successors


def test_try_except_else_finally_edges() -> None:
    graph = function_graphs(TRIES)["tries"]
    first = at(graph, TRIES, "except ValueError as error")
    second = at(graph, TRIES, "except ZeroDivisionError")
    assert (first.kind, second.kind) == ("handler", "handler")
    assert first.assigns == ("error",)
    assert first.index in at(graph, TRIES, 'raise ValueError("zero")').successors
    assert first.index in at(graph, TRIES, "value = 10 //").successors
    assert second.index in first.successors  # not a ValueError: the next clause
    final = at(graph, TRIES, 'log.append("finally")')
    assert final.index in second.successors  # not a ZeroDivisionError either: finally
    assert -1 in final.successors  # ... which re-raises it
    assert final.index in at(graph, TRIES, 'log.append("else")').successors
    assert at(graph, TRIES, 'log.append("start")') is not at(graph, TRIES, "log = []")
    assert graph.block_at(line_of(TRIES, "try:")) is at(graph, TRIES, "log = []")
    assert graph.block_at(line_of(TRIES, "finally:")) is None
    inner = function_graphs(TRIES)["reraise"]
    ret, final = at(inner, TRIES, "return int(x)"), at(inner, TRIES, "x = None")
    assert ret.successors[0] == final.index  # return runs finally first
    assert ret.index in final.successors  # where 3.9 ends it: on the return line again
    assert at(inner, TRIES, "raise", 2).successors == (-1,)


def test_with_exit_runs_on_the_with_line() -> None:
    graph = function_graphs(WITHS)["withs"]
    head = at(graph, WITHS, "with Box(log) as box")
    assert head.kind == "with"
    assert head.lines == tuple(range(head.start_line, line_of(WITHS, ") as value:") + 1))
    assert head.assigns == ("box", "value")
    assert head.index in at(graph, WITHS, "return log", 0).successors
    assert -1 in head.successors  # after the return, and after an exception __exit__ let go
    assert head.index in at(graph, WITHS, "raise KeyError").successors
    assert at(graph, WITHS, "with Box(log):", 0).index in head.successors  # suppressed or done
    inner = at(graph, WITHS, "with Box(log):", 1)
    assert inner.index in at(graph, WITHS, "continue").successors
    assert at(graph, WITHS, "for i in range(2)").index in inner.successors


def test_match_cases_are_branches() -> None:
    graph = function_graphs(MATCHES)["describe"]
    subject = at(graph, MATCHES, "match value")
    assert subject.kind == "match"
    cases = [
        at(graph, MATCHES, text) for text in ("case 0 | 1", "case [first", "case {", "case Point")
    ]
    assert [c.kind for c in cases] == ["branch"] * 4
    assert cases[0].index in subject.successors
    assert cases[1].assigns == ("first", "rest") and cases[2].assigns == ("name", "extra")
    assert cases[3].assigns == ("yy", "point")
    assert all(b.index in a.successors for a, b in itertools.pairwise(cases))
    last = at(graph, MATCHES, "case str() as text")
    assert last.lines == tuple(range(last.start_line, line_of(MATCHES, "len(text) > 2") + 1))
    assert at(graph, MATCHES, "return result").index in last.successors  # nothing matched
    command = function_graphs(MATCHES)["command"]
    assert at(command, MATCHES, "case _").successors == (at(command, MATCHES, 'return "?"').index,)


def test_assigns_in_first_seen_order() -> None:
    graph = function_graphs(STRAIGHT)["straight"]
    (block,) = graph.blocks
    assert block.assigns == (
        "a",
        "b",
        "items",
        "table",
        "holder",
        "math",
        "separator",
        "n",
        "m",
        "squares",
        "kept",
        "pick",
        "total",
    )
    assert "G" not in block.assigns and "c" not in block.assigns  # global; no value
    source = """
    def f(xs, obj):
        for k, (v, *w) in xs:
            obj.attr.append(k)
        with open(k) as (fh, gh):
            x = [y for y in xs]
            obj.items[0] = 1
        try:
            pass
        except Exception as err:
            import os.path
            del obj
        def inner():
            pass
        class K:
            pass
        while (line := fh.readline()):
            fh.count(1)
    """
    g = graphs_of(source)["f"]
    text = textwrap.dedent(source)
    assert at(g, text, "for k").assigns == ("k", "v", "w")
    assert at(g, text, "obj.attr.append").assigns == ("obj",)
    assert at(g, text, "with open").assigns == ("fh", "gh")
    assert at(g, text, "x = [y").assigns == ("x", "obj")
    assert at(g, text, "except Exception").assigns == ("err",)
    assert at(g, text, "import os.path").assigns == ("os", "obj")
    assert at(g, text, "def inner").assigns == ("inner", "K")
    assert at(g, text, "while (line").assigns == ("line",)
    assert at(g, text, "fh.count").assigns == ()


def test_qualnames_and_nested_functions() -> None:
    graphs = function_graphs(NESTED, "nested.py")
    assert set(graphs) == {
        "deco",
        "outer",
        "outer.<locals>.inner",
        "outer.<locals>.Local.method",
        "outer.<locals>.Local.helper",
        "outer.<locals>.Local.helper.<locals>.deepest",
        "outer.<locals>.gen",
        "Outer.Inner.method",
        "Outer.method",
        "Outer.amethod",
    }
    outer, inner = graphs["outer"], graphs["outer.<locals>.inner"]
    assert (inner.name, inner.filename) == ("inner", "nested.py")
    assert inner.first_line == line_of(NESTED, "@deco")
    assert inner.def_line == line_of(NESTED, "def inner") == inner.first_line + 1
    body = line_of(NESTED, "return k * scale")
    assert inner.end_line == body
    assert outer.block_at(body) is None and inner.block_at(body) is not None
    definition = at(outer, NESTED, "def inner")
    assert {inner.first_line, inner.def_line, inner.def_line + 1} <= set(definition.lines)
    assert definition.assigns == ("base", "inner", "Local", "gen", "values", "total", "adder")
    assert outer.block_at(line_of(NESTED, "size = n")) is None  # the class body is its own code
    assert outer.block_at(line_of(NESTED, "class Local")) is definition


def test_block_at_outside_the_body_and_docstring() -> None:
    graph = function_graphs(STRAIGHT)["straight"]
    for line in (0, graph.def_line, graph.end_line + 1, graph.first_line - 1, 10_000):
        assert graph.block_at(line) is None
    doc = line_of(STRAIGHT, '"""A docstring')
    assert graph.block_at(doc) is graph.blocks[0] and graph.block_at(doc + 1) is graph.blocks[0]


def test_source_of_is_the_block_dedented() -> None:
    graph = function_graphs(BRANCHES)["classify"]
    lines = BRANCHES.splitlines()
    assert graph.source_of(at(graph, BRANCHES, "elif (n > 100"), lines) == (
        "elif (n > 100\n      and n % 2 == 0):"
    )
    assert graph.source_of(at(graph, BRANCHES, '"odd"'), lines) == 'kind = "odd"'
    assert graph.source_of(at(graph, BRANCHES, "label ="), lines) == (
        "label = kind.upper() if len(kind) > 3 else kind\nreturn label"
    )
    with_ends = BRANCHES.splitlines(keepends=True)
    assert graph.source_of(graph.blocks[0], with_ends) == "if n < 0:"


def test_graph_of_code_matches_by_line_and_name() -> None:
    source = "def f():\n    return 1\n\n\ndef f():\n    return 2\n\n\nlam = lambda: 0\n"
    namespace: dict[str, Any] = {}
    exec(compile(source, "dup.py", "exec"), namespace)
    graph = graph_of_code(namespace["f"].__code__, source)
    assert graph is not None and graph.def_line == 5 and graph.filename == "dup.py"
    assert function_graphs(source)["f"].def_line == 5  # the later def wins, like the name
    assert graph_of_code(namespace["lam"].__code__, source) is None
    assert graph_of_code(compile(source, "dup.py", "exec"), source) is None
    assert graph_of_code(namespace["f"].__code__, "x = 1\n") is None


def test_bad_source_raises_and_graphs_are_frozen() -> None:
    with pytest.raises(SyntaxError):
        function_graphs("def broken(:\n    pass\n")
    graph = function_graphs("async def f():\n    await g()\n")["f"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        graph.blocks[0].kind = "x"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        graph.name = "g"  # type: ignore[misc]
    assert graph.blocks[0].successors == (-1,)
    assert graph == function_graphs("async def f():\n    await g()\n")["f"]
