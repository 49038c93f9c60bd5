"""Every query of the advice."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.advice.models import GivenAdvice


async def add(session: AsyncSession, advice: GivenAdvice) -> None:
    session.add(advice)
    await session.flush()


async def latest(session: AsyncSession, case_id: uuid.UUID) -> GivenAdvice | None:
    return await session.scalar(
        select(GivenAdvice)
        .where(GivenAdvice.case_id == case_id)
        .order_by(GivenAdvice.given_at.desc(), GivenAdvice.id)
        .limit(1)
    )


async def history(session: AsyncSession, case_id: uuid.UUID) -> list[GivenAdvice]:
    result = await session.scalars(
        select(GivenAdvice)
        .where(GivenAdvice.case_id == case_id)
        .order_by(GivenAdvice.given_at.desc())
    )
    return list(result)
