"""HTTP API of manual entry."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import structlog
from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel

from assessment.access import CaseHandler, visible_case
from assessment.advice.schemas import AdviceOut
from assessment.deps import parts
from assessment.manual import service
from assessment.manual.schemas import ManualData
from assessment.peers import DocumentsClient, DocumentsUnavailableError
from servicekit.http import DbSession, correlation_id_of

log = structlog.get_logger(__name__)
router = APIRouter(tags=["manual entry"])


class ManualEntered(BaseModel):
    package_id: uuid.UUID
    origin: str = "manual"
    advice: AdviceOut | None


def _of_the_case(
    request: Request, case_id: uuid.UUID
) -> Callable[[set[uuid.UUID]], Awaitable[set[uuid.UUID]]]:
    """Which of the named documents the documents service says are the case's: staff see a
    document on the case page the moment it is stored, and may name it before its
    `documents.document.added` reaches this service. Documents down: none (the entry is
    refused as naming an unknown document, and can be sent again)."""
    documents: DocumentsClient = request.app.state.documents

    async def confirm(missing: set[uuid.UUID]) -> set[uuid.UUID]:
        try:
            return missing & await documents.of_case(case_id)
        except DocumentsUnavailableError:
            log.warning("assessment.manual.documents_unavailable", case_id=str(case_id))
            return set()

    return confirm


@router.put(
    "/cases/{case_id}/manual-data",
    response_model=ManualEntered,
    responses={422: {"description": "a field breaks a rule (named in `detail`)"}},
    summary="Enter incomes and assets from uploaded evidence (replaces the previous manual entry)",
)
async def enter_manual_data(
    request: Request,
    case_id: uuid.UUID,
    body: ManualData,
    session: DbSession,
    principal: CaseHandler,
) -> ManualEntered:
    found = parts(request)
    case = await visible_case(session, principal, case_id, lock=True)
    try:
        package, given = await service.enter(
            session,
            case=case,
            data=body,
            keyring=found.keyring,
            entered_by=principal.subject,
            at=found.now(),
            correlation_id=correlation_id_of(request),
            confirm=_of_the_case(request, case_id),
        )
    except service.ManualDataError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    return ManualEntered(package_id=package.id, advice=AdviceOut.of(given) if given else None)
