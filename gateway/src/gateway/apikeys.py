"""API keys `bo_<id>_<secret>`: only the id and the SHA-256 of the secret are stored.

The secrets are 256 random bits, so a fast hash is the right one (a slow password hash
protects low-entropy secrets, and would cost every request a lot of CPU).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession

from gateway import repository
from gateway.errors import InvalidInputError
from gateway.models import ApiKey
from gateway.organisations import find_organisation
from gateway.scope import principal_for
from servicekit.auth import STAFF_ROLES, Principal, Role

PREFIX = "bo"
KEY_ID_LENGTH = 8
_KEY_ID_ALPHABET = string.ascii_lowercase + string.digits
_KEY = re.compile(r"^bo_([a-z0-9]{8})_([A-Za-z0-9_-]{32,128})$")
_LAST_USED_RESOLUTION_SECONDS = 60


@dataclass(frozen=True)
class NewKey:
    key_id: str
    secret: str

    @property
    def token(self) -> str:
        return f"{PREFIX}_{self.key_id}_{self.secret}"


def generate_key() -> NewKey:
    key_id = "".join(secrets.choice(_KEY_ID_ALPHABET) for _ in range(KEY_ID_LENGTH))
    return NewKey(key_id=key_id, secret=secrets.token_urlsafe(32))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_key(token: str) -> tuple[str, str] | None:
    """The (key id, secret) of a well-formed key, else None."""
    match = _KEY.fullmatch(token)
    return (match.group(1), match.group(2)) if match else None


def secret_matches(secret: str, stored_sha256: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_sha256)


def validate_role(role: str, *, organisation_kind: str) -> Role:
    """The role an API key or a staff account may be given (the CLI and the UI both ask here).

    `system` is never given: it is how a service acts for itself, not a person or a key."""
    if role == Role.SYSTEM:
        raise InvalidInputError(
            "role 'system' is for the services themselves and is never given to an API key "
            f"or a user; choose one of: {', '.join(STAFF_ROLES)}"
        )
    if role not in STAFF_ROLES:
        raise InvalidInputError(f"unknown role {role!r}; choose one of: {', '.join(STAFF_ROLES)}")
    if (role == Role.OPERATOR) != (organisation_kind == "platform"):
        raise InvalidInputError(
            "role 'operator' is only for the organisation 'platform', "
            "and 'platform' keys may only have the role 'operator'"
        )
    return Role(role)


async def create_key(
    session: AsyncSession, *, organisation_id: str, role: str, label: str | None
) -> tuple[NewKey, ApiKey]:
    """Create a key for an organisation; the returned token is the only copy of the secret."""
    organisation = await find_organisation(session, organisation_id)
    validate_role(role, organisation_kind=organisation.kind)
    new = generate_key()
    await repository.add_api_key(
        session,
        key_id=new.key_id,
        secret_sha256=hash_secret(new.secret),
        municipality_code=organisation.id if organisation.kind == "municipality" else None,
        isd_id=organisation.id if organisation.kind == "isd" else None,
        role=role,
        label=(label or "").strip() or None,
    )
    stored = await repository.get_api_key(session, new.key_id)
    assert stored is not None
    return new, stored


async def revoke_key(session: AsyncSession, *, key_id: str) -> bool:
    """Revoke a key; False when it was revoked already (InvalidInputError when unknown)."""
    if await repository.get_api_key(session, key_id) is None:
        raise InvalidInputError(f"unknown API key id {key_id!r}")
    return await repository.revoke_api_key(session, key_id) is not None


def _use_unrecorded(last_used_at: datetime | None) -> bool:
    """Whether this use falls outside the resolution of the use already recorded: only then a
    write (the update checks again, so two requests at once record it once)."""
    resolution = timedelta(seconds=_LAST_USED_RESOLUTION_SECONDS)
    return last_used_at is None or last_used_at < datetime.now(UTC) - resolution


async def authenticate(session: AsyncSession, token: str) -> Principal | None:
    """The Principal a valid, unrevoked key acts as; None for anything else."""
    parsed = parse_key(token)
    if parsed is None:
        return None
    key_id, secret = parsed
    key = await repository.get_api_key(session, key_id)
    if key is None or key.revoked_at is not None or not secret_matches(secret, key.secret_sha256):
        return None
    organisation = await find_organisation(session, key.organisation)
    if _use_unrecorded(key.last_used_at):
        await repository.touch_api_key(
            session, key_id, resolution_seconds=_LAST_USED_RESOLUTION_SECONDS
        )
    return principal_for(organisation, subject=f"api-key:{key_id}", role=cast(Role, key.role))
