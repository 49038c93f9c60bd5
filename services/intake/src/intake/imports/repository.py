"""Every query of the re-examination import."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from intake.imports.models import (
    ReExaminationImport,
    ReExaminationImportChunk,
    ReExaminationImportRow,
    ReExaminationResident,
)
from intake.models import KnownMunicipality

_ADD_ROWS = insert(ReExaminationImportRow)
_ADD_RESIDENTS = insert(ReExaminationResident)


@dataclass(frozen=True)
class Holder:
    """Who holds a resident's place in a campaign: which import, which line, in which role."""

    import_id: uuid.UUID
    line: int
    role: str


async def is_known_municipality(session: AsyncSession, code: str) -> bool:
    return await session.get(KnownMunicipality, code) is not None


async def add_import(session: AsyncSession, job: ReExaminationImport) -> None:
    session.add(job)
    await session.flush()


async def add_chunk(session: AsyncSession, *, import_id: uuid.UUID, seq: int, data: bytes) -> None:
    await session.execute(
        insert(ReExaminationImportChunk).values(import_id=import_id, seq=seq, data=data)
    )


async def get_chunk(session: AsyncSession, *, import_id: uuid.UUID, seq: int) -> bytes | None:
    return await session.scalar(
        select(ReExaminationImportChunk.data).where(
            ReExaminationImportChunk.import_id == import_id, ReExaminationImportChunk.seq == seq
        )
    )


async def get_import(session: AsyncSession, import_id: uuid.UUID) -> ReExaminationImport | None:
    return await session.get(ReExaminationImport, import_id, populate_existing=True)


async def processing_import_ids(session: AsyncSession) -> list[uuid.UUID]:
    """Imports still to be (re)started, oldest first."""
    result = await session.scalars(
        select(ReExaminationImport.id)
        .where(ReExaminationImport.status == "processing")
        .order_by(ReExaminationImport.created_at)
    )
    return list(result)


async def count_attempt(session: AsyncSession, import_id: uuid.UUID) -> int:
    """Count one more start of processing; returns how many there were."""
    attempts = await session.scalar(
        update(ReExaminationImport)
        .where(ReExaminationImport.id == import_id)
        .values(attempts=ReExaminationImport.attempts + 1)
        .returning(ReExaminationImport.attempts)
    )
    return int(attempts or 0)


async def holders(
    session: AsyncSession, *, municipality_code: str, campaign: str, bsn_hashes: Iterable[str]
) -> dict[str, Holder]:
    """The residents among `bsn_hashes` that already have a re-examination in the campaign."""
    hashes = list(set(bsn_hashes))
    if not hashes:
        return {}
    rows = await session.execute(
        select(
            ReExaminationResident.bsn_hash,
            ReExaminationResident.import_id,
            ReExaminationResident.line,
            ReExaminationResident.role,
        ).where(
            ReExaminationResident.municipality_code == municipality_code,
            ReExaminationResident.campaign == campaign,
            ReExaminationResident.bsn_hash.in_(hashes),
        )
    )
    return {row.bsn_hash: Holder(row.import_id, row.line, row.role) for row in rows}


async def add_residents(session: AsyncSession, residents: Sequence[dict[str, Any]]) -> None:
    if residents:
        await session.execute(_ADD_RESIDENTS, list(residents))


async def add_report_rows(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(_ADD_ROWS, list(rows))


async def advance(
    session: AsyncSession,
    *,
    import_id: uuid.UUID,
    from_line: int,
    to_line: int,
    imported: int,
    rejected: int,
    duplicate: int,
) -> bool:
    """Move the progress from `from_line` to `to_line`; False when someone else moved it."""
    job = ReExaminationImport
    result = await session.execute(
        update(job)
        .where(job.id == import_id, job.last_line == from_line, job.status == "processing")
        .values(
            last_line=to_line,
            rows_imported=job.rows_imported + imported,
            rows_rejected=job.rows_rejected + rejected,
            rows_duplicate=job.rows_duplicate + duplicate,
            rows_total=job.rows_total + imported + rejected + duplicate,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def finish(
    session: AsyncSession, *, import_id: uuid.UUID, status: str, error: str | None = None
) -> None:
    """Close the import and drop its file: the report stays, the personal data go."""
    await session.execute(
        update(ReExaminationImport)
        .where(ReExaminationImport.id == import_id, ReExaminationImport.status == "processing")
        .values(status=status, error=error, finished_at=func.now())
    )
    await session.execute(
        delete(ReExaminationImportChunk).where(ReExaminationImportChunk.import_id == import_id)
    )


async def report_rows(
    session: AsyncSession,
    *,
    import_id: uuid.UUID,
    outcome: str | None = None,
    after_line: int = 0,
    limit: int,
) -> list[ReExaminationImportRow]:
    """One page of the report, in line order."""
    query = (
        select(ReExaminationImportRow)
        .where(ReExaminationImportRow.import_id == import_id)
        .where(ReExaminationImportRow.line > after_line)
        .order_by(ReExaminationImportRow.line)
        .limit(limit)
    )
    if outcome is not None:
        query = query.where(ReExaminationImportRow.outcome == outcome)
    return list(await session.scalars(query))


async def recent_imports(
    session: AsyncSession, *, municipalities: Sequence[str] | None, limit: int
) -> list[ReExaminationImport]:
    """The newest imports of these municipalities (None: all), newest first; the listing index
    (municipality, created_at) serves it."""
    query = select(ReExaminationImport).order_by(
        ReExaminationImport.created_at.desc(), ReExaminationImport.id
    )
    if municipalities is not None:
        query = query.where(ReExaminationImport.municipality_code.in_(municipalities))
    return list(await session.scalars(query.limit(limit)))


async def try_lock(connection: AsyncConnection, key: int) -> bool:
    """A session-level advisory lock: held until unlocked or the connection ends (a crash)."""
    locked = await connection.scalar(select(func.pg_try_advisory_lock(key)))
    await connection.commit()
    return bool(locked)


async def unlock(connection: AsyncConnection, key: int) -> None:
    await connection.scalar(select(func.pg_advisory_unlock(key)))
    await connection.commit()
