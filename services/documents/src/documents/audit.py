"""The access log of documents (Logboek Dataverwerkingen), in the shape of the cases service's:
actor, organisation, role, processing activity, trace id, municipality, case; no personal data.

An entry is written in the transaction of the access: committed before a download's first byte.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from documents.models import AccessLog
from servicekit.auth import Principal

DOCUMENTS_LISTED: Final = "documents.listed"
DOCUMENT_VIEWED: Final = "document.viewed"
DOCUMENT_DOWNLOADED: Final = "document.downloaded"


async def record(
    session: AsyncSession,
    *,
    principal: Principal,
    trace_id: str,
    action: str,
    municipality_code: str,
    case_id: uuid.UUID,
    at: datetime,
    document_id: uuid.UUID | None = None,
    row_count: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    await session.execute(
        insert(AccessLog).values(
            occurred_at=at,
            actor=principal.subject,
            organisation=principal.organisation,
            role=principal.role,
            action=action,
            municipality_code=municipality_code,
            case_id=case_id,
            document_id=document_id,
            purpose=principal.purpose,
            trace_id=trace_id,
            row_count=row_count,
            details=details or {},
        )
    )


async def entries(
    session: AsyncSession,
    *,
    scope: tuple[str, ...] | None,
    case_id: uuid.UUID | None,
    before_id: int | None,
    limit: int,
) -> Sequence[AccessLog]:
    """Entries newest first, only of the scope's municipalities (None: all)."""
    query = select(AccessLog)
    if scope is not None:
        query = query.where(AccessLog.municipality_code.in_(scope))
    if case_id is not None:
        query = query.where(AccessLog.case_id == case_id)
    if before_id is not None:
        query = query.where(AccessLog.id < before_id)
    return (await session.scalars(query.order_by(AccessLog.id.desc()).limit(limit))).all()
