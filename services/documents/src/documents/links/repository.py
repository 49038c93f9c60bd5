"""Every query of upload links."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from documents.files.models import Document
from documents.links.models import UploadLink


async def add(session: AsyncSession, link: UploadLink) -> None:
    session.add(link)
    await session.flush()


async def get(
    session: AsyncSession, link_id: uuid.UUID, *, lock: bool = False
) -> UploadLink | None:
    query = select(UploadLink).where(UploadLink.id == link_id)
    if lock:
        query = query.with_for_update()
    return await session.scalar(query)


async def by_token_hash(session: AsyncSession, token_hash: str) -> UploadLink | None:
    return await session.scalar(select(UploadLink).where(UploadLink.token_hash == token_hash))


async def by_idempotency_key(
    session: AsyncSession, *, case_id: uuid.UUID, key: str
) -> UploadLink | None:
    return await session.scalar(
        select(UploadLink).where(UploadLink.case_id == case_id, UploadLink.idempotency_key == key)
    )


async def of_case(session: AsyncSession, case_id: uuid.UUID) -> Sequence[tuple[UploadLink, int]]:
    """The case's links, newest first, each with how many documents came through it."""
    counts = (
        select(Document.upload_link_id, func.count().label("documents"))
        .where(Document.case_id == case_id)
        .group_by(Document.upload_link_id)
        .subquery()
    )
    rows = await session.execute(
        select(UploadLink, func.coalesce(counts.c.documents, 0))
        .outerjoin(counts, counts.c.upload_link_id == UploadLink.id)
        .where(UploadLink.case_id == case_id)
        .order_by(UploadLink.created_at.desc(), UploadLink.id)
    )
    return [(row[0], int(row[1])) for row in rows]
