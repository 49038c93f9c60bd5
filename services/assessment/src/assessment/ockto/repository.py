"""Every query of the Ockto adapter: sessions, deliveries, refusals, packages, documents."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.ockto.models import (
    DataPackage,
    DataSession,
    Delivery,
    RefusedDelivery,
    SourceDocument,
)

OPEN_STATES = ("requested", "invited")


async def add(session: AsyncSession, *rows: Any) -> None:
    session.add_all(rows)
    await session.flush()


async def sessions_of(session: AsyncSession, case_id: uuid.UUID) -> list[DataSession]:
    result = await session.scalars(
        select(DataSession).where(DataSession.case_id == case_id).order_by(DataSession.requested_at)
    )
    return list(result)


async def open_sessions(session: AsyncSession, case_id: uuid.UUID) -> list[DataSession]:
    result = await session.scalars(
        select(DataSession)
        .where(DataSession.case_id == case_id, DataSession.state.in_(OPEN_STATES))
        .with_for_update()
    )
    return list(result)


async def lock_by_ockto_id(session: AsyncSession, ockto_session_id: str) -> DataSession | None:
    return await session.scalar(
        select(DataSession)
        .where(DataSession.ockto_session_id == ockto_session_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def claim_requested(
    session: AsyncSession, *, now: datetime, limit: int, lease_until: datetime
) -> list[DataSession]:
    """Requested sessions due for a (first or next) start, leased so replicas share the work."""
    result = await session.scalars(
        select(DataSession)
        .where(
            DataSession.state == "requested",
            or_(DataSession.next_attempt_at.is_(None), DataSession.next_attempt_at <= now),
        )
        .order_by(DataSession.requested_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = list(result)
    if rows:
        await session.execute(
            update(DataSession)
            .where(DataSession.id.in_([r.id for r in rows]))
            .values(next_attempt_at=lease_until)
        )
    return rows


async def lock_session_rows(
    session: AsyncSession, row_ids: list[uuid.UUID]
) -> dict[uuid.UUID, DataSession]:
    """Several sessions, locked, in one query (a worker's batch), by id."""
    if not row_ids:
        return {}
    result = await session.scalars(
        select(DataSession)
        .where(DataSession.id.in_(row_ids))
        .order_by(DataSession.id)  # one lock order for every worker
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {row.id: row for row in result}


async def due_for_expiry(session: AsyncSession, *, now: datetime, limit: int) -> list[DataSession]:
    result = await session.scalars(
        select(DataSession)
        .where(DataSession.state == "invited", DataSession.expires_at <= now)
        .order_by(DataSession.expires_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(result)


async def get_delivery(session: AsyncSession, delivery_id: uuid.UUID) -> Delivery | None:
    return await session.get(Delivery, delivery_id)


async def record_refusal(session: AsyncSession, refusal: RefusedDelivery) -> None:
    session.add(refusal)
    await session.flush()


async def refusals(
    session: AsyncSession,
    *,
    municipalities: tuple[str, ...] | None,
    before_id: int | None,
    limit: int,
) -> list[RefusedDelivery]:
    query = select(RefusedDelivery).order_by(RefusedDelivery.id.desc()).limit(limit)
    if municipalities is not None:
        query = query.where(RefusedDelivery.municipality_code.in_(municipalities))
    if before_id is not None:
        query = query.where(RefusedDelivery.id < before_id)
    return list(await session.scalars(query))


async def packages_of(session: AsyncSession, case_id: uuid.UUID) -> list[DataPackage]:
    """Every package of a case, newest first."""
    result = await session.scalars(
        select(DataPackage)
        .where(DataPackage.case_id == case_id)
        .order_by(DataPackage.recorded_at.desc(), DataPackage.id)
    )
    return list(result)


async def documents_of(session: AsyncSession, case_id: uuid.UUID) -> list[SourceDocument]:
    result = await session.scalars(select(SourceDocument).where(SourceDocument.case_id == case_id))
    return list(result)


async def pending_documents(
    session: AsyncSession, *, now: datetime, limit: int
) -> list[SourceDocument]:
    result = await session.scalars(
        select(SourceDocument)
        .where(SourceDocument.state == "pending", SourceDocument.next_attempt_at <= now)
        .order_by(SourceDocument.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(result)
