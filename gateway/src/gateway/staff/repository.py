"""Every query of staff accounts: users, sessions, failed logins (the security audit's are in
`gateway.audit.repository`)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.staff.models import LoginFailure, StaffSession, User


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def find_user(session: AsyncSession, username: str, *, lock: bool = False) -> User | None:
    query = select(User).where(User.username == username.strip().lower())
    if lock:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def add_user(session: AsyncSession, **values: Any) -> uuid.UUID:
    user_id = uuid.uuid4()
    await session.execute(insert(User).values(id=user_id, **values))
    return user_id


async def update_user(session: AsyncSession, user_id: uuid.UUID, **values: Any) -> None:
    await session.execute(
        update(User).where(User.id == user_id).values(**values, updated_at=func.now())
    )


def _open_at(now: datetime) -> ColumnElement[bool]:
    """The account is enabled and not locked at `now` (as the row is when the statement runs)."""
    return ~User.disabled & or_(User.locked_until.is_(None), User.locked_until <= now)


async def count_failure(session: AsyncSession, user_id: uuid.UUID, *, now: datetime) -> int | None:
    """Count one failed login step against an open account, in one statement; the new count,
    or None when the account is locked or disabled (then nothing is counted).

    Parallel attempts queue on the row and each sees the count the one before it left, so the
    lock is decided on a true count (no read-then-write race).
    """
    result = await session.execute(
        update(User)
        .where(User.id == user_id, _open_at(now))
        .values(failed_logins=User.failed_logins + 1, updated_at=func.now())
        .returning(User.failed_logins)
    )
    failures: int | None = result.scalar_one_or_none()
    return failures


async def lock_account(session: AsyncSession, user_id: uuid.UUID, *, until: datetime) -> None:
    await update_user(session, user_id, failed_logins=0, locked_until=until)


async def use_totp_step(
    session: AsyncSession, user_id: uuid.UUID, *, step: int, now: datetime
) -> bool:
    """Record `step` as used, only if no later or equal step was and the account is open: of
    two requests with the same code, exactly one gets True."""
    result = await session.execute(
        update(User)
        .where(
            User.id == user_id,
            User.totp_enrolled,
            _open_at(now),
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step, failed_logins=0, updated_at=func.now())
        .returning(User.id)
    )
    return result.scalar_one_or_none() is not None


async def use_recovery_code(
    session: AsyncSession, user_id: uuid.UUID, *, code_hash: str, now: datetime
) -> int | None:
    """Remove an unused recovery code of an open account; the number left, or None when the
    code is not (or no longer) there. Of two requests with the same code, one gets a number."""
    result = await session.execute(
        update(User)
        .where(User.id == user_id, _open_at(now), User.recovery_code_hashes.contains([code_hash]))
        .values(
            recovery_code_hashes=func.array_remove(User.recovery_code_hashes, code_hash),
            failed_logins=0,
            updated_at=func.now(),
        )
        .returning(func.cardinality(User.recovery_code_hashes, type_=Integer))
    )
    left: int | None = result.scalar_one_or_none()
    return left


async def finish_enrolment(
    session: AsyncSession, user_id: uuid.UUID, *, step: int, recovery_code_hashes: list[str]
) -> bool:
    """Mark TOTP enrolled with its first step and recovery codes, once: a second confirmation
    in parallel gets False (and its recovery codes are never shown)."""
    result = await session.execute(
        update(User)
        .where(User.id == user_id, ~User.totp_enrolled)
        .values(
            totp_enrolled=True,
            totp_last_step=step,
            recovery_code_hashes=recovery_code_hashes,
            failed_logins=0,
            locked_until=None,
            updated_at=func.now(),
        )
        .returning(User.id)
    )
    return result.scalar_one_or_none() is not None


async def store_pending_totp_secret(
    session: AsyncSession, user_id: uuid.UUID, sealed: bytes
) -> bytes | None:
    """Store a new secret for enrolment unless one is there already; the one stored (so two
    first visits at once show the same QR code), None when TOTP is enrolled meanwhile."""
    stored = await session.execute(
        update(User)
        .where(User.id == user_id, User.totp_secret_encrypted.is_(None), ~User.totp_enrolled)
        .values(totp_secret_encrypted=sealed, updated_at=func.now())
        .returning(User.totp_secret_encrypted)
    )
    value = stored.scalar_one_or_none()
    if value is not None:
        return value
    return await session.scalar(
        select(User.totp_secret_encrypted).where(User.id == user_id, ~User.totp_enrolled)
    )


async def list_users(session: AsyncSession) -> Sequence[User]:
    return (await session.execute(select(User).order_by(User.username))).scalars().all()


async def list_users_of(session: AsyncSession, organisation_id: str) -> Sequence[User]:
    """The accounts of one municipality or ISD, by name."""
    query = (
        select(User)
        .where((User.municipality_code == organisation_id) | (User.isd_id == organisation_id))
        .order_by(User.display_name, User.username)
    )
    return (await session.execute(query)).scalars().all()


async def add_session(session: AsyncSession, **values: Any) -> None:
    await session.execute(insert(StaffSession).values(**values))


async def get_session(session: AsyncSession, session_id: str) -> StaffSession | None:
    return await session.get(StaffSession, session_id)


async def touch_session(session: AsyncSession, session_id: str, *, now: datetime) -> None:
    await session.execute(
        update(StaffSession).where(StaffSession.id == session_id).values(last_seen_at=now)
    )


async def delete_session(session: AsyncSession, session_id: str) -> None:
    await session.execute(delete(StaffSession).where(StaffSession.id == session_id))


async def delete_sessions_of(session: AsyncSession, user_id: uuid.UUID) -> None:
    await session.execute(delete(StaffSession).where(StaffSession.user_id == user_id))


async def delete_expired_sessions(session: AsyncSession, *, idle_before: datetime) -> None:
    await session.execute(
        delete(StaffSession).where(
            (StaffSession.expires_at < func.now()) | (StaffSession.last_seen_at < idle_before)
        )
    )


async def add_login_failure(session: AsyncSession, *, origin_ip: str, now: datetime) -> None:
    await session.execute(insert(LoginFailure).values(origin_ip=origin_ip, occurred_at=now))


async def count_login_failures(session: AsyncSession, *, origin_ip: str, since: datetime) -> int:
    result = await session.execute(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.origin_ip == origin_ip, LoginFailure.occurred_at >= since)
    )
    return int(result.scalar_one())


async def forget_login_failures(session: AsyncSession, *, before: datetime) -> None:
    await session.execute(delete(LoginFailure).where(LoginFailure.occurred_at < before))
