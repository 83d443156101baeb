from calclex.evaluator import evaluate
from calclex.lexer import CalcError, Token, tokenize

__all__ = ["CalcError", "Token", "evaluate", "tokenize"]
