"""Password policy (length, common passwords) and argon2id hashing."""

from __future__ import annotations

import re
import secrets
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
_TRAILING_DIGITS_AND_MARKS = re.compile(r"[\d\W_]+$")
_HASHER = PasswordHasher()  # argon2id with the library's RFC 9106 "low memory" profile
_GENERATED_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


@cache
def common_passwords() -> frozenset[str]:
    """The refused passwords, lower case (read once)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(
        line.strip().lower() for line in lines if line.strip() and not line.startswith("#")
    )


def policy_problems(password: str, *, username: str = "", display_name: str = "") -> list[str]:
    """What is wrong with a new password, in Dutch; empty when it is acceptable."""
    problems: list[str] = []
    if len(password) < MIN_LENGTH:
        problems.append(f"Gebruik minstens {MIN_LENGTH} tekens.")
    if len(password) > MAX_LENGTH:
        problems.append(f"Gebruik hoogstens {MAX_LENGTH} tekens.")
    lowered = password.lower()
    base = _TRAILING_DIGITS_AND_MARKS.sub("", lowered)
    common = common_passwords()
    if lowered in common or (len(base) >= 4 and base in common):
        problems.append("Dit wachtwoord komt voor in een lijst van veelgebruikte wachtwoorden.")
    names = {
        username.lower(),
        username.split("@", maxsplit=1)[0].lower(),
        *display_name.lower().split(),
    }
    if any(len(name) >= 4 and name in lowered for name in names):
        problems.append("Gebruik uw naam of gebruikersnaam niet in het wachtwoord.")
    if len(set(password)) < 5:
        problems.append("Gebruik meer verschillende tekens.")
    return problems


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify_password(password: str, stored_hash: str) -> bool:
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return _HASHER.hash(secrets.token_urlsafe(16))


def burn_time_like_a_verification(password: str) -> None:
    """Spend about as long as a real check, so an unknown account takes no less time."""
    verify_password(password, _dummy_hash())


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)


def generate_password() -> str:
    """A random initial password (20 characters, about 115 bits) that passes the policy."""
    while True:
        candidate = "".join(secrets.choice(_GENERATED_ALPHABET) for _ in range(20))
        if not policy_problems(candidate):
            return candidate
