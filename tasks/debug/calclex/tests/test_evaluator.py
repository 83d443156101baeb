import pytest
from calclex import CalcError, evaluate


def test_precedence():
    assert evaluate("1+2*3") == 7
    assert evaluate("(1+2)*3") == 9


def test_left_to_right():
    assert evaluate("10-4-3") == 3
    assert evaluate("48/4/2") == 6


def test_unary_minus_and_decimals():
    assert evaluate("-4+10/4") == -1.5
    assert evaluate("2*-(0.5+1)") == -3


def test_malformed_expressions():
    for text in ("1+", "(2", "2)", "*3", ""):
        with pytest.raises(CalcError):
            evaluate(text)


def test_division_by_zero():
    with pytest.raises(ZeroDivisionError):
        evaluate("1/(2-2)")


def test_an_expression_written_with_spaces():
    assert evaluate("2 * (3 + 4) - 1") == 13
