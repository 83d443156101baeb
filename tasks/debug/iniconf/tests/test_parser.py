import pytest
from iniconf import ConfigError, lookup, parse, parse_value

SAMPLE = """
# the server
[server]
host = example.org
Port = 8080
debug = off

[paths]
; where things go
root = "/srv/www "
"""


def test_sections_and_typed_values():
    assert parse(SAMPLE) == {
        "server": {"host": "example.org", "port": 8080, "debug": False},
        "paths": {"root": "/srv/www "},
    }


def test_values():
    assert [parse_value(v) for v in (" yes", "-12", "'7'", "plain text")] == [
        True, -12, "7", "plain text",
    ]  # fmt: skip


def test_a_section_can_be_continued():
    config = parse("[a]\nx = 1\n[b]\ny = 2\n[a]\nz = 3\n")
    assert config["a"] == {"x": 1, "z": 3}


def test_lookup():
    config = parse(SAMPLE)
    assert lookup(config, "server.port") == 8080
    assert lookup(config, "server.missing", "none") == "none"


def test_a_bad_section_header():
    with pytest.raises(ConfigError, match="line 2"):
        parse("[a]\n[b\n")


def test_a_setting_outside_any_section():
    with pytest.raises(ConfigError, match="line 1"):
        parse("x = 1\n[a]\n")


def test_a_line_without_equals_is_an_error():
    with pytest.raises(ConfigError):
        parse("[server]\nhost example.org\n")


def test_the_error_names_the_line():
    with pytest.raises(ConfigError) as caught:
        parse(SAMPLE + "= no key\n")
    assert caught.value.line_number == 11
