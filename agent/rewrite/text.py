"""Source text as the engine sees it: decoding, line offsets, parse errors worth reading, and
comparing code up to formatting."""

from __future__ import annotations

import ast
import bisect
import codecs
import functools
import io
import re
import tokenize
import warnings
from dataclasses import dataclass

import libcst as cst

from .outcomes import Rejected

NEWLINE = re.compile(r"\r\n?|\n")  # what libcst counts as a line break
COOKIE = re.compile(r"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)", re.ASCII)
UTF8 = frozenset({"utf-8", "utf-8-sig"})
BOM = "\ufeff"


def decode(source: str | bytes) -> str | Rejected:
    """The module as text: bytes must be UTF-8; a coding cookie must name UTF-8."""
    if isinstance(source, bytes):
        try:
            encoding, _ = tokenize.detect_encoding(io.BytesIO(source).readline)
        except SyntaxError as exc:
            return Rejected("encoding", f"The module's encoding declaration is unusable: {exc}.")
        if encoding not in UTF8:
            return _not_utf8(encoding)
        try:
            return source.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = source[: exc.start].count(b"\n") + 1
            byte = source[exc.start : exc.start + 1].hex()
            return Rejected(
                "encoding",
                f"The module is not valid UTF-8: byte 0x{byte} on line {line}; "
                "Ratchet rewrites UTF-8 files only, so re-encode the file as UTF-8 first.",
            )
    for first in NEWLINE.split(source, maxsplit=2)[:2]:
        if (match := COOKIE.match(first)) and _codec(match[1]) not in UTF8:
            return _not_utf8(match[1])
    return source


def _codec(name: str) -> str:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def _not_utf8(encoding: str) -> Rejected:
    return Rejected(
        "encoding",
        f"The module declares the encoding `{encoding}`; Ratchet rewrites UTF-8 files only, "
        "so re-encode it as UTF-8 and drop the coding line first.",
    )


@dataclass(frozen=True)
class Lines:
    """Offsets of line starts, counting lines as libcst does (\\n, \\r\\n, \\r)."""

    text: str
    starts: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> Lines:
        return cls(text, (0, *(m.end() for m in NEWLINE.finditer(text))))

    def offset(self, line: int, column: int = 0) -> int:
        """Character offset of a 1-based line and 0-based column, clamped to the text."""
        if line > len(self.starts):
            return len(self.text)
        return min(self.starts[line - 1] + column, len(self.text))

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)

    def line(self, number: int) -> str:
        """The text of a 1-based line, without its line break."""
        if not 1 <= number <= len(self.starts):
            return ""
        start = self.starts[number - 1]
        return NEWLINE.split(self.text[start:], maxsplit=1)[0]

    @property
    def count(self) -> int:
        return len(self.starts) - (1 if self.text.endswith(("\n", "\r")) else 0)


def parse_problem(text: str, error: cst.ParserSyntaxError, first_line: int = 1) -> str:
    """Where and why `text` does not parse, in Python's words when Python agrees it is wrong
    (its messages are clearer than the parser's), with the offending line quoted."""
    try:
        compile_quietly(text, ast.PyCF_ONLY_AST)
    except SyntaxError as exc:
        line, column, message = exc.lineno or 1, exc.offset or 1, exc.msg
    else:
        line, column = error.raw_line, error.raw_column + 1
        message = re.sub(r"^parser error: error at \d+:\d+: ", "", error.message)
    shown = line - first_line + 1
    quoted = Lines.of(text).line(line).strip()
    return f"line {shown}, column {column}: {message}" + (f" (`{quoted}`)" if quoted else "")


def nesting_problem(text: str) -> str | None:
    """Why `text` must not reach libcst, whose native parser can crash the process on very deep
    nesting; None when it may. Python's own parser is the judge: it refuses such nesting cleanly,
    and where it fails for other reasons (newer syntax, say) libcst decides."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(text, "<module>", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
        except (RecursionError, MemoryError):
            return "it nests expressions too deeply to be parsed safely"
        except SyntaxError as exc:
            if "too many nested" in str(exc.msg):
                return f"line {exc.lineno}: {exc.msg}"
        except ValueError:
            pass
    return None


def compile_quietly(text: str, flags: int = 0) -> None:
    """compile() without printing warnings (invalid escapes and the like); raises SyntaxError."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(text, "<module>", "exec", flags=flags, dont_inherit=True)
        except (ValueError, RecursionError, MemoryError) as exc:
            raise SyntaxError(str(exc)) from exc


@functools.lru_cache(maxsize=4096)
def normalized(code: str, mode: str = "eval") -> str:
    """A form of `code` that ignores formatting, comments, quotes and redundant parentheses:
    Python's AST when this interpreter parses it, else its tokens."""
    try:
        return ast.dump(ast.parse(code.strip() if mode == "eval" else code, mode=mode))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return " ".join(_tokens(code))


def _tokens(code: str) -> list[str]:
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.ENDMARKER}
    try:
        return [
            token.string
            for token in tokenize.generate_tokens(io.StringIO(code).readline)
            if token.type not in skip
        ]
    except (tokenize.TokenError, SyntaxError):
        return code.split()


def shown(code: str, limit: int = 80) -> str:
    """Code for a message: one line, whitespace collapsed, cut at `limit` characters."""
    flat = " ".join(code.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def code_of(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def first_line(node: cst.CSTNode) -> str:
    """The first non-blank, non-comment line of a statement, stripped, for quoting."""
    for line in NEWLINE.split(code_of(node)):
        if line.strip() and not line.lstrip().startswith("#"):
            return shown(line)
    return ""
