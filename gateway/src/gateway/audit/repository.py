"""Queries of the security audit: append a record, page through them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.audit.models import SecurityAudit


async def add_audit(
    session: AsyncSession,
    *,
    action: str,
    object_: str,
    result: str,
    origin_ip: str | None,
    actor: str,
    organisation: str | None,
) -> None:
    await session.execute(
        insert(SecurityAudit).values(
            action=action,
            object=object_,
            result=result,
            origin_ip=origin_ip,
            actor=actor,
            organisation=organisation,
        )
    )


@dataclass(frozen=True)
class AuditQuery:
    """Security audit records of some organisations (None: all, for operators), newest first."""

    organisations: tuple[str, ...] | None
    action: str | None = None
    username: str | None = None
    """Records where this account acted or was acted on."""
    occurred_from: datetime | None = None
    occurred_before: datetime | None = None


async def list_audit(
    session: AsyncSession, query: AuditQuery, *, before_id: int | None = None, limit: int = 100
) -> Sequence[SecurityAudit]:
    statement = select(SecurityAudit)
    if query.organisations is not None:
        statement = statement.where(SecurityAudit.organisation.in_(query.organisations))
    if query.action:
        statement = statement.where(SecurityAudit.action == query.action)
    if query.username:
        ref = f"user:{query.username.strip().lower()}"
        statement = statement.where((SecurityAudit.actor == ref) | (SecurityAudit.object == ref))
    if query.occurred_from:
        statement = statement.where(SecurityAudit.occurred_at >= query.occurred_from)
    if query.occurred_before:
        statement = statement.where(SecurityAudit.occurred_at < query.occurred_before)
    if before_id is not None:
        statement = statement.where(SecurityAudit.id < before_id)
    result = await session.execute(statement.order_by(SecurityAudit.id.desc()).limit(limit))
    return result.scalars().all()
