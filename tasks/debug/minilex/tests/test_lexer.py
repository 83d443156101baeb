import pytest
from minilex import LexError, Token, tokenize


def kinds(source):
    return [(token.kind, token.text) for token in tokenize(source)]


def test_an_assignment():
    assert kinds("let x = 42;") == [
        ("KEYWORD", "let"),
        ("NAME", "x"),
        ("OP", "="),
        ("NUMBER", "42"),
        ("OP", ";"),
    ]


def test_two_character_operators():
    assert kinds("a<=b != c") == [
        ("NAME", "a"),
        ("OP", "<="),
        ("NAME", "b"),
        ("OP", "!="),
        ("NAME", "c"),
    ]


def test_strings_and_decimals():
    assert kinds('print "hi" 3.25') == [
        ("KEYWORD", "print"),
        ("STRING", '"hi"'),
        ("NUMBER", "3.25"),
    ]


def test_comments_are_skipped():
    assert kinds("x # the x\n") == [("NAME", "x")]


def test_columns_on_the_first_line():
    assert [token.column for token in tokenize("if  (x)")] == [1, 5, 6, 7]


def test_line_numbers():
    assert [token.line for token in tokenize("a\nb\n\nc")] == [1, 2, 4]


def test_an_unexpected_character_on_the_first_line():
    with pytest.raises(LexError, match="line 1, column 3"):
        tokenize("x @ y")


def test_columns_on_later_lines():
    assert tokenize("let a = 1;\n  print a;")[5:] == [
        Token("KEYWORD", "print", 2, 3),
        Token("NAME", "a", 2, 9),
        Token("OP", ";", 2, 10),
    ]


def test_an_unexpected_character_on_a_later_line():
    with pytest.raises(LexError, match="line 3, column 2"):
        tokenize("x\ny\n $")
