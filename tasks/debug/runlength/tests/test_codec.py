import random

import pytest
from runlength import compression_ratio, decode, encode


def test_encode_short_runs():
    assert encode("aaabcc") == "3a1b2c"


def test_encode_nothing():
    assert encode("") == ""


def test_decode():
    assert decode("3a1b2c") == "aaabcc"


def test_a_run_of_exactly_nine():
    assert encode("z" * 9 + "y") == "9z1y"


def test_a_long_run_is_split():
    assert encode("a" * 12) == "9a3a"


def test_long_runs_round_trip():
    text = "x" * 25 + "y" + "x" * 10
    assert decode(encode(text)) == text


def test_random_short_runs_round_trip():
    rng = random.Random(7)
    for _ in range(50):
        text = "".join(char * rng.randint(1, 9) for char in "ab a b.a")
        assert decode(encode(text)) == text


def test_digits_cannot_be_encoded():
    with pytest.raises(ValueError):
        encode("ab1")


def test_bad_run_lengths_are_rejected():
    for data in ("0a", "ab", "3"):
        with pytest.raises(ValueError):
            decode(data)


def test_compression_ratio():
    assert compression_ratio("aaaaaaaa") == 0.25
    assert compression_ratio("") == 1.0
