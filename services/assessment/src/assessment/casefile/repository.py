"""Every query of the case copy."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.casefile.models import AccessLogEntry, CasePreparer, KnownCase, KnownDocument


async def get(session: AsyncSession, case_id: uuid.UUID) -> KnownCase | None:
    return await session.get(KnownCase, case_id, populate_existing=True)


async def get_many(session: AsyncSession, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, KnownCase]:
    """Several cases in one query (a worker's batch), by id; unknown ids are left out."""
    if not case_ids:
        return {}
    result = await session.scalars(
        select(KnownCase)
        .where(KnownCase.case_id.in_(case_ids))
        .execution_options(populate_existing=True)
    )
    return {case.case_id: case for case in result}


async def lock(session: AsyncSession, case_id: uuid.UUID) -> KnownCase | None:
    """The case, locked until the transaction ends: its assessment changes one at a time."""
    return await session.get(KnownCase, case_id, with_for_update=True, populate_existing=True)


async def upsert(session: AsyncSession, values: dict[str, Any]) -> None:
    """Insert the case; a repeated `opened` keeps what later events changed."""
    await session.execute(
        insert(KnownCase).values(**values).on_conflict_do_nothing(index_elements=["case_id"])
    )


async def set_household(
    session: AsyncSession,
    case_id: uuid.UUID,
    *,
    household: dict[str, Any] | None,
    revision: int,
    applicant_bsn: str | None,
) -> bool:
    """Replace the household unless a later revision is already known; True when replaced."""
    result = await session.execute(
        update(KnownCase)
        .where(KnownCase.case_id == case_id, KnownCase.household_revision < revision)
        .values(household=household, household_revision=revision, applicant_bsn=applicant_bsn)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def set_status(session: AsyncSession, case_id: uuid.UUID, status: str) -> None:
    await session.execute(
        update(KnownCase).where(KnownCase.case_id == case_id).values(status=status)
    )


async def set_assignee(session: AsyncSession, case_id: uuid.UUID, assignee: str | None) -> None:
    await session.execute(
        update(KnownCase).where(KnownCase.case_id == case_id).values(assignee=assignee)
    )


async def add_preparer(
    session: AsyncSession, *, case_id: uuid.UUID, subject: str, how: str, at: datetime
) -> None:
    await session.execute(
        insert(CasePreparer)
        .values(case_id=case_id, subject=subject, how=how, at=at)
        .on_conflict_do_nothing()
    )


async def preparers(session: AsyncSession, case_id: uuid.UUID) -> list[CasePreparer]:
    result = await session.scalars(select(CasePreparer).where(CasePreparer.case_id == case_id))
    return list(result)


async def other_cases_of_applicant(
    session: AsyncSession, *, bsn: str, not_municipality: str
) -> list[KnownCase]:
    result = await session.scalars(
        select(KnownCase).where(
            KnownCase.applicant_bsn == bsn, KnownCase.municipality_code != not_municipality
        )
    )
    return list(result)


async def log_access(session: AsyncSession, entry: AccessLogEntry) -> None:
    session.add(entry)


async def add_document(session: AsyncSession, values: dict[str, Any]) -> None:
    await session.execute(
        insert(KnownDocument)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["document_id"])
    )


async def forget_document(session: AsyncSession, document_id: uuid.UUID) -> None:
    await session.execute(delete(KnownDocument).where(KnownDocument.document_id == document_id))


async def documents_of(session: AsyncSession, case_id: uuid.UUID) -> set[uuid.UUID]:
    result = await session.scalars(
        select(KnownDocument.document_id).where(KnownDocument.case_id == case_id)
    )
    return set(result)
