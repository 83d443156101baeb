from iniconf.parser import ConfigError, lookup, parse, parse_value

__all__ = ["ConfigError", "lookup", "parse", "parse_value"]
