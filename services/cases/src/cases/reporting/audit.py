"""The access log (Logboek Dataverwerkingen): who accessed whose personal data, when, and why.

An entry is written in the transaction of the access itself (a case viewed, a search by BSN,
name or postal code, re-examinations imported),
or, for an export, committed before the first row leaves the service. Each entry names one
municipality (the controller of the data), so an auditor sees exactly the entries of their
own municipalities; an access that spans several municipalities writes one entry for each,
with that municipality's row count. The data subject is an HMAC-SHA256 of the BSN under a
secret of this service (comparable within the log, not reversible without the secret).
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, cast

from sqlalchemy import Table, insert, literal, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from cases.reporting.models import AccessLog
from servicekit.auth import Principal

CASE_VIEWED: Final = "case.viewed"
CASES_EXPORTED: Final = "cases.exported"
CASES_SEARCHED_BY_BSN: Final = "cases.searched_by_bsn"
CASES_SEARCHED_BY_NAME: Final = "cases.searched_by_name"
CASES_SEARCHED_BY_POSTAL_CODE: Final = "cases.searched_by_postal_code"
RE_EXAMINATIONS_IMPORTED: Final = "re_examinations.imported"

_ACCESS_LOG = cast("Table", AccessLog.__table__)
_INSERT = insert(_ACCESS_LOG)


def subject_hash(bsn: str, *, secret: str) -> str:
    """The data subject id of a BSN in the access log (hex HMAC-SHA256)."""
    return hmac.new(secret.encode(), bsn.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Access:
    """Who accesses, and under which request (the trace id is the correlation id)."""

    principal: Principal
    trace_id: str

    def row(
        self,
        action: str,
        *,
        municipality_code: str | None,
        case_id: uuid.UUID | None = None,
        application_number: str | None = None,
        data_subject_hash: str | None = None,
        row_count: int | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        return {
            "application_number": application_number,
            "actor": self.principal.subject,
            "organisation": self.principal.organisation,
            "role": self.principal.role,
            "action": action,
            "municipality_code": municipality_code,
            "case_id": case_id,
            "purpose": self.principal.purpose,
            "trace_id": self.trace_id,
            "data_subject_hash": data_subject_hash,
            "row_count": row_count,
            "details": dict(details or {}),
        }


def per_municipality(
    scope: tuple[str, ...] | None, counts: Mapping[str, int]
) -> dict[str | None, int]:
    """Row counts for every municipality of the scope, zeros included; for an unrestricted
    scope those with rows, or one entry without a municipality when nothing matched."""
    if scope is not None:
        return {code: counts.get(code, 0) for code in scope}
    found: dict[str | None, int] = dict(counts.items())
    return found or {None: 0}


async def record(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Add entries to the access log (in the caller's transaction)."""
    if rows:
        await session.execute(_INSERT, list(rows))


async def record_view(
    session: AsyncSession,
    *,
    access: Access,
    case_id: uuid.UUID,
    application_number: str,
    municipality_code: str,
    applicant_bsn: str | None,
    secret: str,
) -> None:
    """One case file opened: the data subject is the applicant."""
    await record(
        session,
        [
            access.row(
                CASE_VIEWED,
                municipality_code=municipality_code,
                case_id=case_id,
                application_number=application_number,
                data_subject_hash=subject_hash(applicant_bsn, secret=secret)
                if applicant_bsn
                else None,
                row_count=1,
            )
        ],
    )


async def record_many(
    session: AsyncSession,
    *,
    access: Access,
    action: str,
    counts: Mapping[str | None, int],
    details: Mapping[str, Any],
    data_subject_hash: str | None = None,
) -> None:
    """A search or export over several municipalities: one entry per municipality."""
    await record(
        session,
        [
            access.row(
                action,
                municipality_code=code,
                data_subject_hash=data_subject_hash,
                row_count=count,
                details=details,
            )
            for code, count in counts.items()
        ],
    )


@dataclass(frozen=True)
class Found:
    """A case a search found, as the access log names it."""

    case_id: uuid.UUID
    application_number: str
    municipality_code: str
    applicant_bsn: str | None


async def record_search(
    session: AsyncSession,
    *,
    access: Access,
    action: str,
    found: Sequence[Found],
    scope: tuple[str, ...] | None,
    details: Mapping[str, Any],
    secret: str,
) -> None:
    """A search on personal data (name, postal code): one entry per case it showed, with the
    applicant as data subject, so an auditor finds it by number or BSN; a search that showed
    nothing still leaves one entry per municipality searched (row count 0)."""
    if not found:
        await record_many(
            session,
            access=access,
            action=action,
            counts=per_municipality(scope, {}),
            details=details,
        )
        return
    await record(
        session,
        [
            access.row(
                action,
                municipality_code=case.municipality_code,
                case_id=case.case_id,
                application_number=case.application_number,
                data_subject_hash=subject_hash(case.applicant_bsn, secret=secret)
                if case.applicant_bsn
                else None,
                row_count=1,
                details=details,
            )
            for case in found
        ],
    )


@dataclass(frozen=True)
class AuditQuery:
    scope: tuple[str, ...] | None
    case_id: uuid.UUID | None = None
    application_number: str | None = None
    actor: str | None = None
    data_subject_hash: str | None = None
    occurred_from: datetime | None = None
    occurred_before: datetime | None = None


async def entries(
    session: AsyncSession,
    *,
    query: AuditQuery,
    limit: int,
    after: tuple[datetime, int] | None,
) -> Sequence[AccessLog]:
    """Entries newest first by (occurred_at, id), only of the scope's municipalities."""
    if query.scope is not None and not query.scope:
        return []
    statement = select(AccessLog)
    if query.scope is not None:
        statement = statement.where(AccessLog.municipality_code.in_(query.scope))
    if query.case_id is not None:
        statement = statement.where(AccessLog.case_id == query.case_id)
    if query.application_number is not None:
        statement = statement.where(AccessLog.application_number == query.application_number)
    if query.actor is not None:
        statement = statement.where(AccessLog.actor == query.actor)
    if query.data_subject_hash is not None:
        statement = statement.where(AccessLog.data_subject_hash == query.data_subject_hash)
    if query.occurred_from is not None:
        statement = statement.where(AccessLog.occurred_at >= query.occurred_from)
    if query.occurred_before is not None:
        statement = statement.where(AccessLog.occurred_at < query.occurred_before)
    if after is not None:
        bound = tuple_(
            literal(after[0], AccessLog.occurred_at.type), literal(after[1], AccessLog.id.type)
        )
        statement = statement.where(tuple_(AccessLog.occurred_at, AccessLog.id) < bound)
    statement = statement.order_by(AccessLog.occurred_at.desc(), AccessLog.id.desc()).limit(limit)
    return (await session.scalars(statement)).all()
