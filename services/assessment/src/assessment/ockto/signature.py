"""Checking `X-Ockto-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime

from contracts.ockto import SIGNATURE_TOLERANCE_SECONDS

_HEADER = re.compile(r"^t=(?P<t>[0-9]{1,12}),v1=(?P<v1>[0-9a-f]{64})$")


class SignatureError(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


def verify(body: bytes, header: str | None, *, secret: str, now: datetime) -> None:
    """Raise `SignatureError` unless the header signs exactly this body, within 5 minutes."""
    if not header:
        raise SignatureError("signature_missing", "the X-Ockto-Signature header is missing")
    match = _HEADER.match(header.strip())
    if match is None:
        raise SignatureError(
            "signature_malformed", "X-Ockto-Signature is not of the form t=<unix seconds>,v1=<hex>"
        )
    timestamp = int(match["t"])
    expected = hmac.new(secret.encode(), match["t"].encode() + b"." + body, hashlib.sha256)
    if not hmac.compare_digest(expected.hexdigest(), match["v1"]):
        raise SignatureError(
            "signature_mismatch", "the signature does not match the body (wrong secret or altered)"
        )
    skew = timestamp - now.timestamp()
    if skew < -SIGNATURE_TOLERANCE_SECONDS:
        raise SignatureError(
            "signature_expired", "the signature's timestamp is more than 5 minutes old"
        )
    if skew > SIGNATURE_TOLERANCE_SECONDS:
        raise SignatureError(
            "signature_from_future", "the signature's timestamp is more than 5 minutes ahead"
        )
