"""Every query of the case copies and the contact consents."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from correspondence.residents.models import CaseCopy, ContactConsent


async def upsert_case(session: AsyncSession, values: dict[str, Any]) -> None:
    statement = insert(CaseCopy).values(**values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["case_id"],
            set_={k: statement.excluded[k] for k in values if k != "case_id"},
        )
    )


async def correct_household(
    session: AsyncSession, *, case_id: uuid.UUID, revision: int, household: dict[str, Any]
) -> bool:
    """Replace the household unless a newer revision is there already."""
    result = await session.execute(
        update(CaseCopy)
        .where(CaseCopy.case_id == case_id, CaseCopy.revision < revision)
        .values(household=household, revision=revision)
        .returning(CaseCopy.case_id)
    )
    return result.first() is not None


async def set_status(session: AsyncSession, *, case_id: uuid.UUID, status: str) -> None:
    await session.execute(update(CaseCopy).where(CaseCopy.case_id == case_id).values(status=status))


async def get_case(session: AsyncSession, case_id: uuid.UUID) -> CaseCopy | None:
    return await session.get(CaseCopy, case_id)


async def get_cases(session: AsyncSession, ids: set[uuid.UUID]) -> dict[uuid.UUID, CaseCopy]:
    if not ids:
        return {}
    rows = await session.scalars(select(CaseCopy).where(CaseCopy.case_id.in_(ids)))
    return {row.case_id: row for row in rows}


async def consents(session: AsyncSession, case_id: uuid.UUID) -> list[ContactConsent]:
    query = (
        select(ContactConsent)
        .where(ContactConsent.case_id == case_id)
        .order_by(ContactConsent.kind)
    )
    return list(await session.scalars(query))


async def consent(session: AsyncSession, *, case_id: uuid.UUID, kind: str) -> bool:
    row = await session.get(ContactConsent, (case_id, kind))
    return bool(row and row.email_allowed)


async def set_consent(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    kind: str,
    allowed: bool,
    actor: str,
    now: datetime,
) -> None:
    statement = insert(ContactConsent).values(
        case_id=case_id, kind=kind, email_allowed=allowed, recorded_by=actor, recorded_at=now
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["case_id", "kind"],
            set_={"email_allowed": allowed, "recorded_by": actor, "recorded_at": now},
        )
    )
