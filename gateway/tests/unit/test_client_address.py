"""The client address: X-Forwarded-For read from the right, from trusted proxies only."""

from __future__ import annotations

import ipaddress

import pytest

from gateway.client_address import UNKNOWN, client_address, parse_address

PROXIES = (ipaddress.ip_network("10.0.0.0/24"), ipaddress.ip_network("2001:db8:1::/48"))


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "client"),
    [
        # Not a proxy of ours: whatever it claims is ignored.
        ("203.0.113.9", ["198.51.100.1"], "203.0.113.9"),
        ("203.0.113.9", ["10.0.0.1"], "203.0.113.9"),
        # Our proxy: the address it appended, not what the client put before it.
        ("10.0.0.2", ["198.51.100.7"], "198.51.100.7"),
        ("10.0.0.2", ["1.2.3.4, 198.51.100.7"], "198.51.100.7"),
        ("10.0.0.2", ["1.2.3.4", "198.51.100.7"], "198.51.100.7"),
        # Two proxies of ours in a row are skipped.
        ("10.0.0.2", ["6.6.6.6, 198.51.100.7, 10.0.0.3"], "198.51.100.7"),
        # Without the header, or only proxies in it: the leftmost proxy we know.
        ("10.0.0.2", [], "10.0.0.2"),
        ("10.0.0.2", ["10.0.0.5, 10.0.0.3"], "10.0.0.5"),
        # Garbage further out than our proxies: the last address we could read.
        ("10.0.0.2", ["<script>, 10.0.0.3"], "10.0.0.3"),
        ("10.0.0.2", ["not-an-address"], "10.0.0.2"),
        # Ports, brackets, IPv6 and IPv4-mapped IPv6.
        ("10.0.0.2", ["198.51.100.7:52311"], "198.51.100.7"),
        ("2001:db8:1::5", ["[2001:db8:9::1]:443"], "2001:db8:9::1"),
        ("::ffff:10.0.0.2", ["::ffff:198.51.100.7"], "198.51.100.7"),
        (None, ["198.51.100.7"], UNKNOWN),
    ],
)
def test_the_client_is_the_first_untrusted_hop_from_the_right(
    peer: str | None, forwarded_for: list[str], client: str
) -> None:
    assert client_address(peer, forwarded_for, PROXIES) == client


def test_without_trusted_proxies_the_header_means_nothing() -> None:
    assert client_address("10.0.0.2", ["198.51.100.7"], ()) == "10.0.0.2"


@pytest.mark.parametrize("text", ["", "1.2.3", "[::1", "example.org", "1.2.3.4:80:90"])
def test_malformed_addresses_are_none(text: str) -> None:
    assert parse_address(text) is None
