import pytest
from netmask import AddressError, Network, format_ip, parse_ip


def test_an_address_in_its_network():
    assert Network.parse("192.168.1.0/24").contains("192.168.1.77")


def test_an_address_outside_the_network():
    assert not Network.parse("10.0.0.0/8").contains("11.0.0.1")


def test_round_trip():
    assert format_ip(parse_ip("172.16.254.1")) == "172.16.254.1"
    assert str(Network.parse("10.1.0.0/16")) == "10.1.0.0/16"


def test_bad_addresses():
    for text in ("1.2.3", "1.2.3.4.5", "1.2.3.256", "1.2.3.-4", "01.2.3.4", "a.b.c.d"):
        with pytest.raises(AddressError):
            parse_ip(text)


def test_bad_networks():
    for cidr in ("10.0.0.0", "10.0.0.0/33", "10.0.0.1/24", "10.0.0.0/x"):
        with pytest.raises(AddressError):
            Network.parse(cidr)


def test_broadcast_and_size():
    network = Network.parse("192.168.4.0/22")
    assert (network.broadcast, network.size) == ("192.168.7.255", 1024)


def test_the_broadcast_address_is_in_the_network():
    assert Network.parse("192.168.1.0/24").contains("192.168.1.255")


def test_a_network_with_a_255_octet():
    network = Network.parse("10.255.0.0/16")
    assert network.contains("10.255.3.4")
