"""Server-side staff sessions: a random token in the cookie, its SHA-256 in the database.

A session ends when it is idle too long, when its absolute lifetime is over, at logout, and
when the account is disabled, locked, or its MFA or role is reset.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.staff import repository
from gateway.staff.models import StaffSession, User
from gateway.ui.settings import MAX_IDLE_MINUTES, UiSettings

COOKIE = "bo_session"
SECURE_COOKIE = "__Host-bo_session"
"""With the Secure flag the `__Host-` prefix also pins the cookie to this host and path /."""


def cookie_name(settings: UiSettings) -> str:
    return SECURE_COOKIE if settings.secure_cookies else COOKIE


def session_id_of(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Current:
    """The session of this request and its user."""

    session: StaffSession
    user: User


async def start(
    session: AsyncSession,
    *,
    user: User,
    mfa_passed: bool,
    origin_ip: str,
    settings: UiSettings,
    now: datetime,
) -> str:
    """A new session; returns the token for the cookie (the only place it exists)."""
    token = secrets.token_urlsafe(32)
    lifetime = (
        timedelta(hours=settings.session_absolute_hours)
        if mfa_passed
        else timedelta(minutes=settings.login_step_minutes)
    )
    await repository.add_session(
        session,
        id=session_id_of(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        mfa_passed=mfa_passed,
        origin_ip=origin_ip,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
    )
    return token


def _usable(row: StaffSession, user: User | None, *, settings: UiSettings, now: datetime) -> bool:
    if user is None or user.disabled:
        return False
    if user.locked_until is not None and user.locked_until > now:
        return False
    idle = timedelta(minutes=settings.session_idle_minutes)
    return row.expires_at > now and now - row.last_seen_at <= idle


async def resolve(
    session: AsyncSession, token: str | None, *, settings: UiSettings, now: datetime
) -> Current | None:
    """The live session for a cookie token (its last use recorded), else None (and an
    expired one is removed).
    """
    if not token or len(token) > 200:
        return None
    row = await repository.get_session(session, session_id_of(token))
    if row is None:
        return None
    user = await repository.get_user(session, row.user_id)
    if user is None or not _usable(row, user, settings=settings, now=now):
        await repository.delete_session(session, row.id)
        return None
    await repository.touch_session(session, row.id, now=now)
    return Current(session=row, user=user)


async def end(session: AsyncSession, token: str | None) -> None:
    if token:
        await repository.delete_session(session, session_id_of(token))


def csrf_matches(current: Current, submitted: str | None) -> bool:
    return bool(submitted) and secrets.compare_digest(current.session.csrf_token, submitted or "")


async def sweep(session: AsyncSession, *, settings: UiSettings, now: datetime) -> None:
    """Remove ended sessions and old failed-login records (`sweeper` runs this on a schedule).

    Idle sessions go once idle longer than any gateway may allow, not this one's limit: gateways
    sharing the store may run with different limits for a while (a settings roll-out), and a
    session idle past its own limit is refused, and removed, at its next use anyway.
    """
    await repository.delete_expired_sessions(
        session, idle_before=now - timedelta(minutes=MAX_IDLE_MINUTES)
    )
    await repository.forget_login_failures(
        session, before=now - timedelta(minutes=settings.ip_window_minutes)
    )
