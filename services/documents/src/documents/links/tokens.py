"""The token in a resident's link: the link id signed with the service's secret.

`base64url(link id || HMAC-SHA256(secret, "upload-link" || link id)[:16])`, 43 characters.
Derived, not random, so the same link can be handed out again (an idempotent request) while
only the token's SHA-256 is stored; a tampered token fails the signature before any query.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import uuid
from typing import Final

_CONTEXT: Final = b"upload-link"
_SIGNATURE_BYTES: Final = 16


def _signature(link_id: uuid.UUID, secret: str) -> bytes:
    mac = hmac.new(secret.encode(), _CONTEXT + link_id.bytes, hashlib.sha256)
    return mac.digest()[:_SIGNATURE_BYTES]


def token_for(link_id: uuid.UUID, *, secret: str) -> str:
    raw = link_id.bytes + _signature(link_id, secret)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def verify(token: str, *, secret: str) -> bool:
    """Whether the token is one this service signed (says nothing about expiry)."""
    if len(token) != 43 or not token.isascii():
        return False
    try:
        raw = base64.urlsafe_b64decode(token + "=")
    except (binascii.Error, ValueError):
        return False
    if len(raw) != 16 + _SIGNATURE_BYTES:
        return False
    link_id = uuid.UUID(bytes=raw[:16])
    return hmac.compare_digest(raw[16:], _signature(link_id, secret))


def address_key(address: str, *, secret: str) -> str:
    """A pseudonym of a client address for the rate limits (an address is personal data)."""
    return hmac.new(secret.encode(), b"address" + address.encode(), hashlib.sha256).hexdigest()
