"""Every query of the decisions."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.decisions.models import Decision


async def of_case(session: AsyncSession, case_id: uuid.UUID) -> Decision | None:
    return await session.scalar(select(Decision).where(Decision.case_id == case_id))


async def add_once(session: AsyncSession, decision: Decision) -> bool:
    """Insert the case's decision; False when it already has one (the first one stands)."""
    values = {c.key: getattr(decision, c.key) for c in Decision.__table__.columns}
    result = await session.execute(
        insert(Decision)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["case_id"])
        .returning(Decision.id)
    )
    return result.first() is not None
