"""Information requests with a term to complete."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, status

from correspondence.access import Handler, Reader
from correspondence.requests import repository, service
from correspondence.requests.models import InformationRequest
from correspondence.requests.schemas import InformationRequestIn, InformationRequestOut
from correspondence.scope import clock_of, settings_of, visible_case
from servicekit.http import DbSession, correlation_id_of

router = APIRouter(tags=["information requests"])


def _out(row: InformationRequest, letters: list[uuid.UUID] | None = None) -> InformationRequestOut:
    return InformationRequestOut(
        id=row.id,
        case_id=row.case_id,
        items=list(row.items),
        message=row.message,
        term_days=row.term_days,
        term_ends_on=row.term_ends_on,
        status=row.status,
        requested_by=row.requested_by,
        requested_at=row.requested_at,
        closed_at=row.closed_at,
        letter_ids=letters or [],
    )


@router.post(
    "/cases/{case_id}/information-requests",
    response_model=InformationRequestOut,
    status_code=status.HTTP_201_CREATED,
)
async def request_information(
    case_id: uuid.UUID,
    body: InformationRequestIn,
    request: Request,
    principal: Handler,
    session: DbSession,
) -> InformationRequestOut:
    """Ask for information within a term: the letter (with the upload link and the term date),
    one reminder, the term's end, and `correspondence.information.requested`."""
    case = await visible_case(session, principal, case_id)
    settings = settings_of(request)
    row, letters = await service.request_information(
        session,
        case_id=case_id,
        municipality_code=case.municipality_code,
        items=body.items,
        term_days=body.term_days,
        message=body.message,
        actor=principal.subject,
        now=clock_of(request).now(),
        reminder_after_days=settings.reminder_after_days,
        correlation_id=correlation_id_of(request),
    )
    return _out(row, letters)


@router.get("/cases/{case_id}/information-requests", response_model=list[InformationRequestOut])
async def list_requests(
    case_id: uuid.UUID, principal: Reader, session: DbSession
) -> list[InformationRequestOut]:
    await visible_case(session, principal, case_id)
    return [_out(row) for row in await repository.of_case(session, case_id)]
