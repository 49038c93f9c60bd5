"""The queries of the case file: one case with everything its page shows, loaded eagerly."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from cases.models import Case

Scope = tuple[str, ...] | None
"""The municipalities a query may touch; None means every municipality (platform users)."""


async def get_case(session: AsyncSession, *, case_id: uuid.UUID, scope: Scope) -> Case | None:
    """The case with its household, revisions and history, if it is in scope."""
    if scope is not None and not scope:
        return None
    statement = (
        select(Case)
        .where(Case.id == case_id)
        .options(
            selectinload(Case.household),
            selectinload(Case.revisions),
            selectinload(Case.history),
        )
    )
    if scope is not None:
        statement = statement.where(Case.municipality_code.in_(scope))
    return (await session.scalars(statement)).one_or_none()
