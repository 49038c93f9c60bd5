"""Every query of the gateway."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.models import ApiKey, Isd, IsdMember, Municipality


async def schema_revision(session: AsyncSession) -> str | None:
    """The Alembic revision of the database, or None when it was never migrated."""
    exists = (await session.execute(text("SELECT to_regclass('alembic_version')"))).scalar()
    if exists is None:
        return None
    result = await session.execute(text("SELECT version_num FROM alembic_version"))
    return result.scalar_one_or_none()


async def get_municipality(session: AsyncSession, code: str) -> Municipality | None:
    return await session.get(Municipality, code)


async def known_municipality_codes(session: AsyncSession, codes: Sequence[str]) -> set[str]:
    result = await session.execute(select(Municipality.code).where(Municipality.code.in_(codes)))
    return set(result.scalars())


async def list_municipalities(session: AsyncSession) -> Sequence[Municipality]:
    result = await session.execute(select(Municipality).order_by(Municipality.code))
    return result.scalars().all()


async def add_municipality(session: AsyncSession, *, code: str, name: str) -> None:
    await session.execute(insert(Municipality).values(code=code, name=name))


async def rename_municipality(session: AsyncSession, *, code: str, name: str) -> None:
    await session.execute(
        update(Municipality)
        .where(Municipality.code == code)
        .values(name=name, updated_at=func.now())
    )


async def get_isd(session: AsyncSession, isd_id: str) -> Isd | None:
    return await session.get(Isd, isd_id)


async def isd_members(session: AsyncSession, isd_id: str) -> tuple[str, ...]:
    result = await session.execute(
        select(IsdMember.municipality_code)
        .where(IsdMember.isd_id == isd_id)
        .order_by(IsdMember.municipality_code)
    )
    return tuple(result.scalars())


async def list_isds(session: AsyncSession) -> list[tuple[Isd, tuple[str, ...]]]:
    isds = (await session.execute(select(Isd).order_by(Isd.id))).scalars().all()
    members = (
        await session.execute(
            select(IsdMember.isd_id, IsdMember.municipality_code).order_by(
                IsdMember.municipality_code
            )
        )
    ).all()
    by_isd: dict[str, list[str]] = {}
    for isd_id, code in members:
        by_isd.setdefault(isd_id, []).append(code)
    return [(isd, tuple(by_isd.get(isd.id, ()))) for isd in isds]


async def save_isd(
    session: AsyncSession, *, isd_id: str, name: str, members: Sequence[str], exists: bool
) -> None:
    """Insert or update the ISD and replace its member list."""
    if exists:
        await session.execute(
            update(Isd).where(Isd.id == isd_id).values(name=name, updated_at=func.now())
        )
        await session.execute(delete(IsdMember).where(IsdMember.isd_id == isd_id))
    else:
        await session.execute(insert(Isd).values(id=isd_id, name=name))
    if members:
        await session.execute(
            insert(IsdMember),
            [{"isd_id": isd_id, "municipality_code": code} for code in members],
        )


async def add_api_key(
    session: AsyncSession,
    *,
    key_id: str,
    secret_sha256: str,
    municipality_code: str | None,
    isd_id: str | None,
    role: str,
    label: str | None,
) -> None:
    await session.execute(
        insert(ApiKey).values(
            id=key_id,
            secret_sha256=secret_sha256,
            municipality_code=municipality_code,
            isd_id=isd_id,
            role=role,
            label=label,
        )
    )


async def get_api_key(session: AsyncSession, key_id: str) -> ApiKey | None:
    return await session.get(ApiKey, key_id)


async def list_api_keys(session: AsyncSession) -> Sequence[ApiKey]:
    result = await session.execute(select(ApiKey).order_by(ApiKey.created_at, ApiKey.id))
    return result.scalars().all()


async def revoke_api_key(session: AsyncSession, key_id: str) -> datetime | None:
    """Set `revoked_at` unless already set; the revocation time, or None when it was revoked."""
    result = await session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=func.now())
        .returning(ApiKey.revoked_at)
    )
    return result.scalar_one_or_none()


async def touch_api_key(session: AsyncSession, key_id: str, *, resolution_seconds: int) -> None:
    """Record use of a key, at most once per `resolution_seconds` (not a write per request)."""
    await session.execute(
        update(ApiKey)
        .where(
            ApiKey.id == key_id,
            or_(
                ApiKey.last_used_at.is_(None),
                ApiKey.last_used_at
                < func.now() - func.make_interval(0, 0, 0, 0, 0, 0, resolution_seconds),
            ),
        )
        .values(last_used_at=func.now())
    )
