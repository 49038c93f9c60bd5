"""The rules of the case copy: which cases exist, in which municipality, and whether they are
open. Takes a session, never commits."""

from __future__ import annotations

import uuid

from fastapi import HTTPException, status
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.cases import CaseOpened, CaseStatusChanged
from documents.known_cases import repository
from documents.known_cases.models import KnownCase
from documents.known_cases.statuses import CLOSED
from servicekit.auth import Principal

CASE_NOT_FOUND = "case niet gevonden (of niet binnen uw organisatie)"


async def case_opened(*, session: AsyncSession, event: CaseOpened) -> None:
    """Remember the case and its municipality."""
    await repository.record_status(
        session,
        case_id=event.case_id,
        municipality_code=event.municipality_code,
        status=event.status,
        changed_at=event.submitted_at,
        closed_at=None,
    )


async def status_changed(*, session: AsyncSession, event: CaseStatusChanged) -> None:
    """Follow the case's status; closing starts the retention period."""
    await repository.record_status(
        session,
        case_id=event.case_id,
        municipality_code=event.municipality_code,
        status=event.to_status,
        changed_at=event.changed_at,
        closed_at=event.changed_at if event.to_status == CLOSED else None,
    )


async def visible_case(
    *, session: AsyncSession, principal: Principal, case_id: uuid.UUID, lock: bool = False
) -> KnownCase:
    """The case, when this service knows it and the principal may see its municipality;
    else 404 (a case not heard of yet is not found either: the caller retries later)."""
    case = await repository.get(session, case_id, lock=lock)
    if case is None or not principal.may_see(case.municipality_code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, CASE_NOT_FOUND)
    return case
