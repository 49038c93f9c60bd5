"""Every query of documents."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from documents.files.models import Document, DocumentDeletion


async def add(session: AsyncSession, document: Document) -> None:
    session.add(document)
    await session.flush()


async def get(session: AsyncSession, document_id: uuid.UUID) -> Document | None:
    return await session.get(Document, document_id)


async def by_idempotency_key(
    session: AsyncSession, *, case_id: uuid.UUID, key: str
) -> Document | None:
    return await session.scalar(
        select(Document).where(Document.case_id == case_id, Document.idempotency_key == key)
    )


async def of_case(session: AsyncSession, case_id: uuid.UUID) -> Sequence[Document]:
    """The case's documents, oldest first."""
    result = await session.scalars(
        select(Document)
        .where(Document.case_id == case_id)
        .order_by(Document.created_at, Document.id)
    )
    return result.all()


async def of_link(session: AsyncSession, link_id: uuid.UUID) -> Sequence[Document]:
    result = await session.scalars(
        select(Document)
        .where(Document.upload_link_id == link_id)
        .order_by(Document.created_at, Document.id)
    )
    return result.all()


async def remove(session: AsyncSession, document: Document, deletion: DocumentDeletion) -> None:
    """Delete the row and log the deletion, in one transaction."""
    session.add(deletion)
    await session.execute(delete(Document).where(Document.id == document.id))
    await session.flush()
