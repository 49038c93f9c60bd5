"""Data packages at rest: AES-256-GCM with a key id, so keys can rotate.

New packages are sealed with the active key; every key of the ring opens what it sealed, so a
new key is added as active and the old one stays until nothing sealed with it remains. The
associated data binds a ciphertext to its row: a package copied onto another case will not open.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_NONCE_BYTES = 12


class KeyringError(ValueError):
    """The keyring setting is malformed, or a ciphertext names an unknown key."""


@dataclass(frozen=True)
class Sealed:
    key_id: str
    nonce: bytes
    ciphertext: bytes


class Keyring:
    def __init__(self, keys: dict[str, bytes], *, active: str) -> None:
        if active not in keys:
            raise KeyringError(f"the active key {active!r} is not in the keyring")
        for key_id, key in keys.items():
            if len(key) != 32:
                raise KeyringError(f"key {key_id!r} is not 32 bytes (AES-256)")
        self._ciphers = {key_id: AESGCM(key) for key_id, key in keys.items()}
        self.active = active

    @classmethod
    def parse(cls, spec: str, *, active: str) -> Keyring:
        """`id:base64,id:base64` (the setting's form)."""
        keys: dict[str, bytes] = {}
        for part in filter(None, (p.strip() for p in spec.split(","))):
            key_id, _, encoded = part.partition(":")
            try:
                keys[key_id.strip()] = base64.b64decode(encoded.strip(), validate=True)
            except binascii.Error:
                raise KeyringError(f"key {key_id!r} is not valid base64") from None
        return cls(keys, active=active)

    def seal(self, plaintext: bytes, *, associated: bytes) -> Sealed:
        nonce = os.urandom(_NONCE_BYTES)
        ciphertext = self._ciphers[self.active].encrypt(nonce, plaintext, associated)
        return Sealed(self.active, nonce, ciphertext)

    def open(self, sealed: Sealed, *, associated: bytes) -> bytes:
        cipher = self._ciphers.get(sealed.key_id)
        if cipher is None:
            raise KeyringError(f"no key {sealed.key_id!r} in the keyring to open this package")
        try:
            return cipher.decrypt(sealed.nonce, sealed.ciphertext, associated)
        except InvalidTag:
            raise KeyringError(
                "the package does not open: altered, or sealed for another row"
            ) from None
