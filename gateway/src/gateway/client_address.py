"""The address of the client behind a request, with `X-Forwarded-For` read only from proxies we
trust (`GATEWAY_TRUSTED_PROXIES`).

Every proxy appends the address of the peer it got the request from, so the header is read from
the right: trusted hops are skipped and the first untrusted address is the client. Anything to
its left was written by the client itself and may be made up. From a peer that is not a trusted
proxy the header is ignored altogether, so nobody picks their own throttle bucket or audit origin.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from fastapi import Request

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


def parse_address(text: str) -> IPAddress | None:
    """An address as proxies write it: `192.0.2.1`, `192.0.2.1:443`, `2001:db8::1`,
    `[2001:db8::1]:443`; an IPv4-mapped IPv6 address as its IPv4 address. None when malformed."""
    text = text.strip()
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: IPAddress, proxies: Sequence[IPNetwork]) -> bool:
    return any(address.version == network.version and address in network for network in proxies)


def client_address(
    peer: str | None, forwarded_for: Iterable[str], proxies: Sequence[IPNetwork]
) -> str:
    """The client's address, given the connection's peer, the `X-Forwarded-For` header lines
    (in order) and the trusted proxies."""
    if peer is None:
        return UNKNOWN
    nearest = parse_address(peer)
    if nearest is None or not _trusted(nearest, proxies):
        return peer
    hops = [hop for line in forwarded_for for hop in line.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            # A trusted proxy writes addresses only: this came from further out. The last hop
            # we could read is the best we know.
            break
        nearest = address
        if not _trusted(address, proxies):
            break
    return str(nearest)


def client_address_of(request: Request) -> str:
    """The client address of a request to the gateway (throttling, the security log)."""
    proxies: Sequence[IPNetwork] = request.app.state.settings.trusted_proxies
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.getlist("x-forwarded-for"), proxies)
