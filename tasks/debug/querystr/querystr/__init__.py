from querystr.query import build, first, parse, quote, unquote

__all__ = ["build", "first", "parse", "quote", "unquote"]
