"""The BIO2 security log: who did what to which object, with what result, from where.

Each record names the organisation of the account concerned, so that organisation's auditor
reads it. Never put a password, a TOTP or recovery code, or a secret in any field.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.audit import repository
from gateway.staff.models import User

UNKNOWN_USER = "user:(onbekend)"


def user_ref(username: str) -> str:
    return f"user:{username}"


@dataclass(frozen=True)
class Actor:
    """Who changes an account: the admin CLI, or a signed-in beheerder from an address."""

    ref: str
    origin_ip: str | None = None


CLI = Actor("cli")


record = repository.add_audit
"""Add one audit record in the caller's transaction (the database log is the record)."""


async def record_account_step(
    session: AsyncSession, user: User, by: Actor, action: str, result: str
) -> None:
    """The audit record of a step on an existing account (sign-in or administration)."""
    await record(
        session,
        action=action,
        object_=user_ref(user.username),
        result=result,
        actor=by.ref,
        origin_ip=by.origin_ip,
        organisation=user.organisation,
    )
