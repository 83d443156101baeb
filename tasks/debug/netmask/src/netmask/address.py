"""Dotted-quad IPv4 addresses and their 32-bit integer values."""

from __future__ import annotations


class AddressError(ValueError):
    pass


def parse_octet(text: str) -> int:
    if not text.isdigit() or len(text) > 3 or (len(text) > 1 and text[0] == "0"):
        raise AddressError(f"bad octet {text!r}")
    value = int(text)
    if not 0 <= value < 255:
        raise AddressError(f"octet {value} out of range")
    return value


def parse_ip(text: str) -> int:
    parts = text.strip().split(".")
    if len(parts) != 4:
        raise AddressError(f"{text!r} does not have four octets")
    value = 0
    for part in parts:
        value = value << 8 | parse_octet(part)
    return value


def format_ip(value: int) -> str:
    if not 0 <= value < 1 << 32:
        raise AddressError(f"{value} is not an IPv4 address")
    return ".".join(str(value >> shift & 0xFF) for shift in (24, 16, 8, 0))
