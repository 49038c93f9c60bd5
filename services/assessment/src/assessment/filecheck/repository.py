"""Every query of the file check."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.filecheck.models import FileCheck, FileCheckEntry, FileCheckRow
from servicekit.bulk import bulk_insert, insert_rows

_ENTRIES = bulk_insert(
    "file_check_entries",
    {"municipality_code": "text", "bsn_hash": "text", "file_check_id": "uuid", "line": "int"},
)


async def replace_current(session: AsyncSession, code: str, check: FileCheck) -> None:
    """The new upload becomes the municipality's list; the previous one's entries go."""
    await session.execute(
        update(FileCheck)
        .where(FileCheck.municipality_code == code, FileCheck.current.is_(True))
        .values(current=False)
    )
    await session.execute(delete(FileCheckEntry).where(FileCheckEntry.municipality_code == code))
    session.add(check)
    await session.flush()


async def add_entries(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    await insert_rows(session, _ENTRIES, rows)


async def add_report(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    if rows:
        await session.execute(insert(FileCheckRow), list(rows))


async def matches(session: AsyncSession, code: str, bsn_hash: str) -> bool:
    found = await session.scalar(
        select(FileCheckEntry.line).where(
            FileCheckEntry.municipality_code == code, FileCheckEntry.bsn_hash == bsn_hash
        )
    )
    return found is not None


async def get(session: AsyncSession, check_id: uuid.UUID) -> FileCheck | None:
    return await session.get(FileCheck, check_id)


async def current(session: AsyncSession, code: str) -> FileCheck | None:
    return await session.scalar(
        select(FileCheck).where(FileCheck.municipality_code == code, FileCheck.current.is_(True))
    )


async def report(session: AsyncSession, check_id: uuid.UUID) -> list[FileCheckRow]:
    result = await session.scalars(
        select(FileCheckRow)
        .where(FileCheckRow.file_check_id == check_id)
        .order_by(FileCheckRow.line)
    )
    return list(result)
