"""INI-style configuration: [sections] of `key = value` lines, with # and ; comments."""

from __future__ import annotations

Value = bool | int | str

TRUE_WORDS = frozenset({"true", "yes", "on"})
FALSE_WORDS = frozenset({"false", "no", "off"})


class ConfigError(ValueError):
    def __init__(self, line_number: int, message: str) -> None:
        super().__init__(f"line {line_number}: {message}")
        self.line_number = line_number


def parse_value(raw: str) -> Value:
    """Booleans, integers and (optionally quoted) strings."""
    text = raw.strip()
    if text.lower() in TRUE_WORDS:
        return True
    if text.lower() in FALSE_WORDS:
        return False
    if text.lstrip("-").isdigit():
        return int(text)
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'":
        return text[1:-1]
    return text


def split_assignment(line: str) -> tuple[str, str]:
    key, equals, value = line.partition("=")
    if not equals or not key.strip():
        raise ValueError(f"expected `key = value`, found {line!r}")
    return key.strip().lower(), value


def parse(text: str) -> dict[str, dict[str, Value]]:
    sections: dict[str, dict[str, Value]] = {}
    current: dict[str, Value] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            if not line.endswith("]") or not line[1:-1].strip():
                raise ConfigError(number, f"bad section header {line!r}")
            current = sections.setdefault(line[1:-1].strip(), {})
            continue
        if current is None:
            raise ConfigError(number, "a setting before any [section]")
        try:
            key, value = split_assignment(line)
        except ValueError:
            continue
        current[key] = parse_value(value)
    return sections


def lookup(
    config: dict[str, dict[str, Value]], path: str, default: Value | None = None
) -> Value | None:
    """config["section"]["key"] for the path "section.key", or default."""
    section, _, key = path.partition(".")
    return config.get(section, {}).get(key, default)
