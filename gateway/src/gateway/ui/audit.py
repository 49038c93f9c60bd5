"""The BIO2 security log: who did what to which object, with what result, from where.

Never put a password, a TOTP or recovery code, or a secret in any field.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.ui import repository

UNKNOWN_USER = "user:(onbekend)"


def user_ref(username: str) -> str:
    return f"user:{username}"


async def record(
    session: AsyncSession,
    *,
    action: str,
    object_: str,
    result: str,
    actor: str,
    origin_ip: str | None,
) -> None:
    """Add one audit record in the caller's transaction (the database log is the record)."""
    await repository.add_audit(
        session, action=action, object_=object_, result=result, origin_ip=origin_ip, actor=actor
    )
