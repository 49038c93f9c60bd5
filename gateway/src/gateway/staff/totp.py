"""The second factor: TOTP secrets (stored encrypted), codes, QR codes and recovery codes."""

from __future__ import annotations

import hashlib
import hmac
import io
import secrets
import time
from datetime import UTC, datetime

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken

RECOVERY_CODE_COUNT = 10
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_DIGITS = 6
_PERIOD = 30


class SecretBox:
    """Encrypts and decrypts TOTP secrets with the configured Fernet key."""

    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode())

    def seal(self, secret: str) -> bytes:
        return self._fernet.encrypt(secret.encode())

    def open(self, sealed: bytes) -> str | None:
        try:
            return self._fernet.decrypt(sealed).decode()
        except InvalidToken:
            return None


def new_secret() -> str:
    return pyotp.random_base32(32)


def valid_secret(secret: str) -> bool:
    """A base32 secret of at least 128 bits (for `--totp-secret` in development)."""
    cleaned = secret.replace(" ", "").upper()
    return len(cleaned) >= 26 and all(c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567=" for c in cleaned)


def provisioning_uri(secret: str, *, username: str, issuer: str) -> str:
    return pyotp.TOTP(secret, digits=_DIGITS, interval=_PERIOD).provisioning_uri(
        name=username, issuer_name=issuer
    )


def qr_svg(uri: str) -> str:
    """The QR code as an inline SVG element (no XML declaration, no inline style).

    With a `viewBox` and no fixed size, so the stylesheet scales the whole code to the width
    it is shown at (a fixed width/height without one showed only a corner at a smaller size).
    """
    buffer = io.BytesIO()
    segno.make(uri, error="m").save(
        buffer,
        kind="svg",
        xmldecl=False,
        svgns=True,
        scale=5,
        border=4,
        dark="#000",
        light="#fff",
        title="QR-code voor uw authenticator-app",
        svgclass="qr-code",
        lineclass=None,
        omitsize=True,
    )
    return buffer.getvalue().decode()


def matching_step(
    secret: str, code: str, *, last_step: int | None, now: float | None = None
) -> int | None:
    """The time step whose code this is (one step of clock drift either way), else None.

    A step at or before `last_step` does not count: a code works only once.
    """
    code = code.strip().replace(" ", "")
    if len(code) != _DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=_DIGITS, interval=_PERIOD)
    moment = time.time() if now is None else now
    current = totp.timecode(datetime.fromtimestamp(moment, tz=UTC))
    for step in (current - 1, current, current + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten one-time codes of 16 characters (about 79 bits each), shown as xxxx-xxxx-xxxx-xxxx."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
    return codes


def normalise_recovery_code(code: str) -> str:
    return "".join(c for c in code.lower() if c.isalnum())


def hash_recovery_code(code: str) -> str:
    """SHA-256 suffices: like API key secrets, the codes are random and long."""
    return hashlib.sha256(normalise_recovery_code(code).encode()).hexdigest()


def looks_like_recovery_code(code: str) -> bool:
    return len(normalise_recovery_code(code)) == 16
