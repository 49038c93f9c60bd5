"""Every query of the templates."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from correspondence.templates.models import TemplateVersion


async def latest(
    session: AsyncSession, *, code: str, kind: str, channel: str, with_docx: bool = False
) -> TemplateVersion | None:
    query = (
        select(TemplateVersion)
        .where(
            TemplateVersion.municipality_code == code,
            TemplateVersion.kind == kind,
            TemplateVersion.channel == channel,
        )
        .order_by(TemplateVersion.version.desc())
        .limit(1)
    )
    if with_docx:
        query = query.options(undefer(TemplateVersion.docx)).execution_options(
            populate_existing=True
        )
    return (await session.scalars(query)).one_or_none()


async def by_ids(
    session: AsyncSession, ids: set[uuid.UUID], *, with_docx: bool = False
) -> dict[uuid.UUID, TemplateVersion]:
    if not ids:
        return {}
    query = select(TemplateVersion).where(TemplateVersion.id.in_(ids))
    if with_docx:
        query = query.options(undefer(TemplateVersion.docx)).execution_options(
            populate_existing=True
        )
    return {row.id: row for row in await session.scalars(query)}


async def latest_of_municipality(session: AsyncSession, code: str) -> list[TemplateVersion]:
    newest = (
        select(
            TemplateVersion.kind,
            TemplateVersion.channel,
            func.max(TemplateVersion.version).label("version"),
        )
        .where(TemplateVersion.municipality_code == code)
        .group_by(TemplateVersion.kind, TemplateVersion.channel)
        .subquery()
    )
    query = (
        select(TemplateVersion)
        .join(
            newest,
            (TemplateVersion.kind == newest.c.kind)
            & (TemplateVersion.channel == newest.c.channel)
            & (TemplateVersion.version == newest.c.version),
        )
        .where(TemplateVersion.municipality_code == code)
    )
    return list(await session.scalars(query))


async def add_version(session: AsyncSession, values: dict[str, object]) -> bool:
    """Insert a version; False when that number exists already (a concurrent save)."""
    result = await session.execute(
        insert(TemplateVersion)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["municipality_code", "kind", "channel", "version"])
        .returning(TemplateVersion.id)
    )
    return result.first() is not None


async def versions(
    session: AsyncSession, *, code: str, kind: str, channel: str
) -> list[TemplateVersion]:
    query = (
        select(TemplateVersion)
        .where(
            TemplateVersion.municipality_code == code,
            TemplateVersion.kind == kind,
            TemplateVersion.channel == channel,
        )
        .order_by(TemplateVersion.version.desc())
    )
    return list(await session.scalars(query))
