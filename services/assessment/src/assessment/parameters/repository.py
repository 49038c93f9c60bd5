"""Every query of the parameters."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.parameters.models import ParameterAudit, ParameterVersion


async def versions(session: AsyncSession, code: str) -> list[ParameterVersion]:
    """All versions of a municipality, oldest first."""
    result = await session.scalars(
        select(ParameterVersion)
        .where(ParameterVersion.municipality_code == code)
        .order_by(ParameterVersion.valid_from)
    )
    return list(result)


async def lock_versions(session: AsyncSession, code: str) -> list[ParameterVersion]:
    """The versions, locked: two new versions for one municipality are added one after another."""
    result = await session.scalars(
        select(ParameterVersion)
        .where(ParameterVersion.municipality_code == code)
        .order_by(ParameterVersion.valid_from)
        .with_for_update()
    )
    return list(result)


async def applicable(session: AsyncSession, code: str, on: date) -> ParameterVersion | None:
    """The version whose period holds `on`; before the first version, the first one."""
    found = await session.scalar(
        select(ParameterVersion)
        .where(ParameterVersion.municipality_code == code, ParameterVersion.valid_from <= on)
        .order_by(ParameterVersion.valid_from.desc())
        .limit(1)
    )
    if found is not None:
        return found
    return await session.scalar(
        select(ParameterVersion)
        .where(ParameterVersion.municipality_code == code)
        .order_by(ParameterVersion.valid_from)
        .limit(1)
    )


async def get(session: AsyncSession, version_id: uuid.UUID) -> ParameterVersion | None:
    return await session.get(ParameterVersion, version_id)


async def insert_if_none(session: AsyncSession, version: ParameterVersion) -> bool:
    """Insert the first version of a municipality; False when it already had one."""
    result = await session.execute(
        pg_insert(ParameterVersion)
        .values(
            id=version.id,
            municipality_code=version.municipality_code,
            valid_from=version.valid_from,
            valid_until=version.valid_until,
            values=version.values,
            note=version.note,
            created_by=version.created_by,
            created_at=version.created_at,
        )
        .on_conflict_do_nothing(index_elements=["municipality_code", "valid_from"])
        .returning(ParameterVersion.id)
    )
    return result.first() is not None


async def add(session: AsyncSession, version: ParameterVersion) -> None:
    session.add(version)
    await session.flush()


async def close(session: AsyncSession, version_id: uuid.UUID, valid_until: date) -> None:
    await session.execute(
        update(ParameterVersion)
        .where(ParameterVersion.id == version_id)
        .values(valid_until=valid_until)
    )


async def audit(
    session: AsyncSession,
    *,
    code: str,
    version_id: uuid.UUID,
    action: str,
    actor: str,
    at: datetime,
    changes: dict[str, Any],
) -> None:
    await session.execute(
        insert(ParameterAudit).values(
            municipality_code=code,
            version_id=version_id,
            action=action,
            actor=actor,
            at=at,
            changes=changes,
        )
    )


async def audit_trail(session: AsyncSession, code: str, limit: int = 200) -> list[ParameterAudit]:
    result = await session.scalars(
        select(ParameterAudit)
        .where(ParameterAudit.municipality_code == code)
        .order_by(ParameterAudit.id.desc())
        .limit(limit)
    )
    return list(result)
