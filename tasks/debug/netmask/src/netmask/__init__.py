from netmask.address import AddressError, format_ip, parse_ip
from netmask.network import Network

__all__ = ["AddressError", "Network", "format_ip", "parse_ip"]
