"""Every query of the house style."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from correspondence.housestyle.models import HouseStyle


async def get(session: AsyncSession, code: str, *, for_update: bool = False) -> HouseStyle | None:
    query = select(HouseStyle).where(HouseStyle.municipality_code == code)
    if for_update:
        query = query.with_for_update()
    return (await session.scalars(query)).one_or_none()


async def get_many(session: AsyncSession, codes: set[str]) -> dict[str, HouseStyle]:
    if not codes:
        return {}
    rows = await session.scalars(select(HouseStyle).where(HouseStyle.municipality_code.in_(codes)))
    return {row.municipality_code: row for row in rows}


async def put(session: AsyncSession, style: HouseStyle) -> None:
    session.add(style)
    await session.flush()
