"""HTTP API of manual entry."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel

from assessment.access import CaseHandler, visible_case
from assessment.advice.schemas import AdviceOut
from assessment.deps import parts
from assessment.manual import service
from assessment.manual.schemas import ManualData
from servicekit.http import DbSession, correlation_id_of

router = APIRouter(tags=["manual entry"])


class ManualEntered(BaseModel):
    package_id: uuid.UUID
    origin: str = "manual"
    advice: AdviceOut | None


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
        )
    except service.ManualDataError as error:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(error)) from None
    return ManualEntered(package_id=package.id, advice=AdviceOut.of(given) if given else None)
