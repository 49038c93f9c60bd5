"""Every query of the schedules."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from correspondence.schedules.models import Schedule


async def add(session: AsyncSession, values: dict[str, Any]) -> bool:
    result = await session.execute(
        insert(Schedule)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["case_id", "kind", "cause"])
        .returning(Schedule.id)
    )
    return result.first() is not None


async def due(session: AsyncSession, *, now: datetime, limit: int) -> list[Schedule]:
    """Pending schedules whose time has come that no other replica holds (fired once)."""
    query = (
        select(Schedule)
        .where(Schedule.status == "pending", Schedule.due_at <= now)
        .order_by(Schedule.due_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(await session.scalars(query))


async def cancel(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    now: datetime,
    reason: str,
    kind: str | None = None,
    request_id: uuid.UUID | None = None,
) -> int:
    query = update(Schedule).where(Schedule.case_id == case_id, Schedule.status == "pending")
    if kind is not None:
        query = query.where(Schedule.kind == kind)
    if request_id is not None:
        query = query.where(Schedule.request_id == request_id)
    result = await session.execute(
        query.values(status="cancelled", done_at=now, outcome=reason).returning(Schedule.id)
    )
    return len(result.all())


async def of_case(session: AsyncSession, case_id: uuid.UUID) -> list[Schedule]:
    query = select(Schedule).where(Schedule.case_id == case_id).order_by(Schedule.due_at)
    return list(await session.scalars(query))
