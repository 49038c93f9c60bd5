"""Opaque, signed keyset-pagination cursors: a tampered cursor is refused, not trusted."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


class InvalidCursorError(ValueError):
    pass


def encode_cursor(values: dict[str, Any], *, secret: str) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode())
    signature = hmac.new(secret.encode(), payload, hashlib.sha256).digest()[:12]
    return (payload + b"." + base64.urlsafe_b64encode(signature)).decode().replace("=", "")


def _pad(text: str) -> bytes:
    return (text + "=" * (-len(text) % 4)).encode()


def decode_cursor(cursor: str, *, secret: str) -> dict[str, Any]:
    try:
        payload_text, signature_text = cursor.split(".", 1)
        payload = _pad(payload_text)
        expected = hmac.new(secret.encode(), payload, hashlib.sha256).digest()[:12]
        if not hmac.compare_digest(expected, base64.urlsafe_b64decode(_pad(signature_text))):
            raise InvalidCursorError("cursor signature does not match")
        values = json.loads(base64.urlsafe_b64decode(payload))
    except (ValueError, json.JSONDecodeError) as error:
        raise InvalidCursorError("cursor is not valid; start again from the first page") from error
    if not isinstance(values, dict):
        raise InvalidCursorError("cursor is not valid; start again from the first page")
    return values
