"""CIDR networks such as 10.1.0.0/16."""

from __future__ import annotations

from dataclasses import dataclass

from netmask.address import AddressError, format_ip, parse_ip


@dataclass(frozen=True)
class Network:
    address: int
    prefix: int

    @classmethod
    def parse(cls, cidr: str) -> Network:
        """'192.168.1.0/24'; host bits must be zero."""
        ip, slash, prefix = cidr.partition("/")
        if not slash or not prefix.isdigit() or not 0 <= int(prefix) <= 32:
            raise AddressError(f"bad network {cidr!r}")
        network = cls(parse_ip(ip), int(prefix))
        if network.address & ~network.mask & 0xFFFFFFFF:
            raise AddressError(f"{cidr!r} has host bits set")
        return network

    @property
    def mask(self) -> int:
        return (0xFFFFFFFF << (32 - self.prefix)) & 0xFFFFFFFF

    @property
    def broadcast(self) -> str:
        return format_ip(self.address | ~self.mask & 0xFFFFFFFF)

    @property
    def size(self) -> int:
        return 1 << (32 - self.prefix)

    def contains(self, ip: str) -> bool:
        return parse_ip(ip) & self.mask == self.address

    def __str__(self) -> str:
        return f"{format_ip(self.address)}/{self.prefix}"
