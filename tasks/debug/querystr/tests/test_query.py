import pytest
from querystr import build, first, parse, quote, unquote


def test_simple_pairs():
    assert parse("a=1&b=2") == {"a": ["1"], "b": ["2"]}


def test_a_key_can_repeat():
    assert parse("?tag=x&tag=y&page=3") == {"tag": ["x", "y"], "page": ["3"]}


def test_escapes_and_plus_signs():
    assert parse("q=two+words&name=Ren%C3%A9e&eq=a%3Db") == {
        "q": ["two words"],
        "name": ["Renée"],
        "eq": ["a=b"],
    }


def test_a_value_may_contain_equals_signs():
    assert parse("expr=a=b") == {"expr": ["a=b"]}


def test_empty_pairs_are_skipped():
    assert parse("&a=1&&") == {"a": ["1"]}
    assert parse("") == {}


def test_bad_escapes():
    for text in ("%", "%4", "%zz"):
        with pytest.raises(ValueError):
            unquote(text)


def test_quote():
    assert quote("a b/é") == "a+b%2F%C3%A9"


def test_build_round_trips():
    params = {"q": "fish & chips", "tag": ["a", "b c"]}
    assert parse(build(params)) == {"q": ["fish & chips"], "tag": ["a", "b c"]}


def test_a_key_without_a_value():
    assert parse("debug&page=2") == {"debug": [""], "page": ["2"]}


def test_first_value_of_a_flag():
    assert first("verbose&verbose=2", "verbose") == ""
    assert first("a=1", "missing", "none") == "none"
