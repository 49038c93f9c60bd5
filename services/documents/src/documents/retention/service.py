"""The rules of retention: a municipality's periods, a legal hold per case, and the removal
of one document whose period passed. Takes a session, never commits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.documents import DocumentDeleted
from documents.files import repository as files
from documents.files.models import Document, DocumentDeletion
from documents.known_cases import repository as cases
from documents.known_cases.models import KnownCase
from documents.retention import repository
from servicekit.auth import Principal
from servicekit.outbox import add_event

SWEEPER = "system:retention"


@dataclass(frozen=True)
class Periods:
    letter_years: int
    evidence_years: int
    is_default: bool


async def periods(
    session: AsyncSession, *, code: str, default_letter_years: int, default_evidence_years: int
) -> Periods:
    policy = await repository.get_policy(session, code)
    if policy is None:
        return Periods(default_letter_years, default_evidence_years, is_default=True)
    return Periods(policy.letter_years, policy.evidence_years, is_default=False)


async def set_periods(
    session: AsyncSession,
    *,
    principal: Principal,
    code: str,
    letter_years: int,
    evidence_years: int,
    now: datetime,
) -> None:
    await repository.put_policy(
        session,
        code=code,
        letter_years=letter_years,
        evidence_years=evidence_years,
        actor=principal.subject,
        at=now,
    )


async def set_legal_hold(
    session: AsyncSession,
    *,
    principal: Principal,
    case: KnownCase,
    reason: str | None,
    now: datetime,
) -> None:
    """Put the case under a legal hold (reason given) or lift it (reason None)."""
    held = reason is not None
    await cases.set_legal_hold(
        session,
        case_id=case.id,
        hold=held,
        reason=reason,
        actor=principal.subject if held else None,
        at=now if held else None,
    )


async def remove_document(
    session: AsyncSession, *, document: Document, now: datetime, correlation_id: str
) -> None:
    """The row goes, the deletion is logged and published (the object is already removed)."""
    await files.remove(
        session,
        document,
        DocumentDeletion(
            document_id=document.id,
            case_id=document.case_id,
            municipality_code=document.municipality_code,
            kind=document.kind,
            sha256=document.sha256,
            size_bytes=document.size_bytes,
            reason="retention",
            deleted_at=now,
            deleted_by=SWEEPER,
        ),
    )
    await cases.release_bytes(session, case_id=document.case_id, size=document.size_bytes)
    await add_event(
        session,
        DocumentDeleted(
            document_id=document.id,
            case_id=document.case_id,
            municipality_code=document.municipality_code,
            reason="retention",
            deleted_at=now,
        ),
        correlation_id=correlation_id,
    )
