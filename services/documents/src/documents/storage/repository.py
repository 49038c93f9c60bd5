"""Every query of the pending objects."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from documents.storage.models import PendingObject


async def add_pending(session: AsyncSession, *, bucket: str, key: str, at: datetime) -> None:
    await session.execute(
        insert(PendingObject).values(object_key=key, bucket=bucket, created_at=at)
    )


async def forget_pending(session: AsyncSession, *, key: str) -> None:
    await session.execute(delete(PendingObject).where(PendingObject.object_key == key))


async def stale_pending(
    session: AsyncSession, *, older_than: datetime, limit: int
) -> Sequence[PendingObject]:
    """Pending objects past their grace period, locked for this sweeper (others skip them)."""
    result = await session.scalars(
        select(PendingObject)
        .where(PendingObject.created_at < older_than)
        .order_by(PendingObject.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return result.all()
