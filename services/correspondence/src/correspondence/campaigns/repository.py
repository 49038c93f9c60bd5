"""Every query of the campaigns."""

from __future__ import annotations

from sqlalchemy import select, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from correspondence.campaigns.models import Campaign

_LOCK = text("SELECT pg_advisory_xact_lock(hashtextextended(:code || '/' || :name, 11))")


async def lock(session: AsyncSession, *, code: str, name: str) -> None:
    """Serialises a campaign's start, pause and resume with the invitations being filed for it:
    an invitation filed as `held` while the campaign starts would otherwise be committed after
    the start moved the held ones, and wait forever. Held until the transaction ends."""
    await session.execute(_LOCK, {"code": code, "name": name})


async def get(
    session: AsyncSession, *, code: str, name: str, for_update: bool = False
) -> Campaign | None:
    query = select(Campaign).where(Campaign.municipality_code == code, Campaign.name == name)
    if for_update:
        query = query.with_for_update()
    return (await session.scalars(query)).one_or_none()


async def add(session: AsyncSession, values: dict[str, object]) -> bool:
    result = await session.execute(
        insert(Campaign).values(**values).on_conflict_do_nothing().returning(Campaign.name)
    )
    return result.first() is not None


async def paused(session: AsyncSession, pairs: set[tuple[str, str | None]]) -> set[tuple[str, str]]:
    keys = [(code, name) for code, name in pairs if name]
    if not keys:
        return set()
    query = select(Campaign.municipality_code, Campaign.name).where(
        tuple_(Campaign.municipality_code, Campaign.name).in_(keys), Campaign.status == "paused"
    )
    return {(row[0], row[1]) for row in await session.execute(query)}


async def running_names(session: AsyncSession, *, code: str) -> list[str]:
    query = select(Campaign.name).where(
        Campaign.municipality_code == code, Campaign.status == "running"
    )
    return list(await session.scalars(query))


async def running(session: AsyncSession, *, code: str, name: str) -> bool:
    found = await get(session, code=code, name=name)
    return found is not None and found.status == "running"
