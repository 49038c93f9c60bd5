"""The BSN eleven-test and its keyed pseudonym."""

from __future__ import annotations

import hashlib
import hmac

_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def is_valid_bsn(value: str) -> bool:
    """Nine digits whose weighted sum is divisible by 11 and not 0."""
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        return False
    total = sum(int(digit) * weight for digit, weight in zip(value, _WEIGHTS, strict=True))
    return total != 0 and total % 11 == 0


def bsn_hash(bsn: str, *, secret: str) -> str:
    """HMAC-SHA256 of the BSN with the service's secret (hex): stored instead of the BSN."""
    return hmac.new(secret.encode(), bsn.encode(), hashlib.sha256).hexdigest()
