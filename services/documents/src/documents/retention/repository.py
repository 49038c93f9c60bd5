"""Every query of retention: the policies, and the documents whose period has passed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from documents.files.models import Document
from documents.known_cases.models import KnownCase
from documents.retention.models import RetentionPolicy


async def get_policy(session: AsyncSession, code: str) -> RetentionPolicy | None:
    return await session.get(RetentionPolicy, code, populate_existing=True)


async def put_policy(
    session: AsyncSession,
    *,
    code: str,
    letter_years: int,
    evidence_years: int,
    actor: str,
    at: datetime,
) -> None:
    values = {
        "letter_years": letter_years,
        "evidence_years": evidence_years,
        "updated_by": actor,
        "updated_at": at,
    }
    statement = insert(RetentionPolicy).values(municipality_code=code, **values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=[RetentionPolicy.municipality_code], set_=values
        )
    )


async def due_documents(
    session: AsyncSession,
    *,
    now: datetime,
    default_letter_years: int,
    default_evidence_years: int,
    limit: int,
) -> Sequence[Document]:
    """Documents of closed cases without a legal hold whose period has passed, locked with
    their cases for this sweeper (`SKIP LOCKED`: replicas share the work, none waits)."""
    years = case(
        (
            Document.kind == "letter",
            func.coalesce(RetentionPolicy.letter_years, default_letter_years),
        ),
        else_=func.coalesce(RetentionPolicy.evidence_years, default_evidence_years),
    )
    query = (
        select(Document)
        .join(KnownCase, KnownCase.id == Document.case_id)
        .outerjoin(RetentionPolicy, RetentionPolicy.municipality_code == Document.municipality_code)
        .where(
            KnownCase.closed_at.is_not(None),
            KnownCase.legal_hold.is_(False),
            KnownCase.closed_at + func.make_interval(years) <= now,
        )
        .order_by(KnownCase.closed_at, Document.id)
        .limit(limit)
        .with_for_update(of=(Document, KnownCase), skip_locked=True)
    )
    return (await session.scalars(query)).all()
