import pytest
from calclex import CalcError, Token, tokenize


def test_tokens_with_positions():
    assert tokenize("12*(3.5)") == [
        Token("NUM", "12", 0),
        Token("OP", "*", 2),
        Token("OP", "(", 3),
        Token("NUM", "3.5", 4),
        Token("OP", ")", 7),
        Token("END", "", 8),
    ]


def test_bad_numbers_and_characters():
    for text in ("1.2.3", "2$3", "."):
        with pytest.raises(CalcError):
            tokenize(text)


def test_spaces_between_tokens_are_skipped():
    assert [t.text for t in tokenize(" 1 +  2 ")] == ["1", "+", "2", ""]
