from minilex.lexer import KEYWORDS, LexError, Token, tokenize

__all__ = ["KEYWORDS", "LexError", "Token", "tokenize"]
