"""Every query of the case copy."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from documents.known_cases.models import KnownCase


async def get(session: AsyncSession, case_id: uuid.UUID, *, lock: bool = False) -> KnownCase | None:
    query = select(KnownCase).where(KnownCase.id == case_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query.execution_options(populate_existing=True))


async def record_status(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    municipality_code: str,
    status: str,
    changed_at: datetime,
    closed_at: datetime | None,
) -> None:
    """Insert the case or move its status on; an older change than the one known is ignored
    (events of one case may overtake each other after a redelivery)."""
    statement = insert(KnownCase).values(
        id=case_id,
        municipality_code=municipality_code,
        status=status,
        status_changed_at=changed_at,
        closed_at=closed_at,
        stored_bytes=0,
        legal_hold=False,
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[KnownCase.id],
            set_={
                "municipality_code": statement.excluded.municipality_code,
                "status": statement.excluded.status,
                "status_changed_at": statement.excluded.status_changed_at,
                "closed_at": statement.excluded.closed_at,
            },
            where=KnownCase.status_changed_at <= statement.excluded.status_changed_at,
        )
    )


async def reserve_bytes(
    session: AsyncSession, *, case_id: uuid.UUID, size: int, limit: int
) -> bool:
    """Count `size` more bytes for the case, if that stays within `limit` (atomic)."""
    result = await session.execute(
        update(KnownCase)
        .where(KnownCase.id == case_id, KnownCase.stored_bytes + size <= limit)
        .values(stored_bytes=KnownCase.stored_bytes + size)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def release_bytes(session: AsyncSession, *, case_id: uuid.UUID, size: int) -> None:
    await session.execute(
        update(KnownCase)
        .where(KnownCase.id == case_id)
        .values(stored_bytes=KnownCase.stored_bytes - size)
    )


async def set_legal_hold(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    hold: bool,
    reason: str | None,
    actor: str | None,
    at: datetime | None,
) -> None:
    await session.execute(
        update(KnownCase)
        .where(KnownCase.id == case_id)
        .values(legal_hold=hold, legal_hold_reason=reason, legal_hold_by=actor, legal_hold_at=at)
    )
