"""Every query of the portal's rate limits."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from documents.portal.models import RateCounter


async def hit(session: AsyncSession, *, scope: str, key: str, window_start: datetime) -> int:
    """Count one hit in the window; returns the hits so far, this one included (atomic)."""
    statement = insert(RateCounter).values(scope=scope, key=key, window_start=window_start, hits=1)
    result = await session.scalar(
        statement.on_conflict_do_update(
            index_elements=[RateCounter.scope, RateCounter.key, RateCounter.window_start],
            set_={"hits": RateCounter.hits + 1},
        ).returning(RateCounter.hits)
    )
    return int(result or 0)


async def purge(session: AsyncSession, *, before: datetime) -> int:
    result = await session.execute(delete(RateCounter).where(RateCounter.window_start < before))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
