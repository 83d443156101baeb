import pytest
from ratio import Ratio, gcd


def test_gcd():
    assert [gcd(12, 18), gcd(-4, 6), gcd(7, 7), gcd(17, 5)] == [6, 2, 7, 1]


def test_lowest_terms():
    assert Ratio(6, 8) == Ratio(3, 4)
    assert str(Ratio(10, 5)) == "2"


def test_the_sign_goes_to_the_numerator():
    assert (Ratio(3, -4).numerator, Ratio(3, -4).denominator) == (-3, 4)
    assert Ratio(-3, -4) == Ratio(3, 4)


def test_a_zero_denominator_is_an_error():
    with pytest.raises(ZeroDivisionError):
        Ratio(1, 0)


def test_arithmetic():
    assert Ratio(1, 2) + Ratio(1, 3) == Ratio(5, 6)
    assert Ratio(3, 4) - Ratio(1, 4) == Ratio(1, 2)
    assert Ratio(2, 3) * Ratio(9, 4) == Ratio(3, 2)


def test_parse_compare_and_convert():
    assert Ratio.parse("3/8") < Ratio.parse("1/2")
    assert float(Ratio.parse("7")) == 7.0
    assert sorted([Ratio(1, 2), Ratio(1, 3), Ratio(2, 3)]) == [
        Ratio(1, 3),
        Ratio(1, 2),
        Ratio(2, 3),
    ]


def test_zero():
    assert str(Ratio(0, 5)) == "0"
    assert Ratio(0, -3) == Ratio(0)


def test_equal_ratios_cancel_out():
    assert Ratio(3, 4) - Ratio(6, 8) == Ratio(0, 1)
