"""The internal HTTP API of the case file: parse, enforce the token's municipality scope, call
the service; every view of a case file is logged."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status

from cases.casefile import service
from cases.casefile.schemas import (
    CaseDetail,
    CaseSummary,
    HistoryEntry,
    Revision,
    household_of,
)
from cases.reporting import audit
from cases.reporting.filters import requested_scope
from cases.statuses import category_of
from contracts.api.common import errors
from servicekit.auth import Permission, Principal, require
from servicekit.http import DbSession, correlation_id_of

router = APIRouter(tags=["cases"])
Reader = Annotated[Principal, Depends(require(Permission.CASES_READ))]


def _secret(request: Request, name: str) -> str:
    secret: str = getattr(request.app.state, name)
    return secret


@router.get(
    "/cases/{case_id}",
    response_model=CaseDetail,
    summary="One case with its household, revisions and history",
    responses=errors(401, 403, 404, 422),
)
async def get_case(
    request: Request, case_id: uuid.UUID, principal: Reader, session: DbSession
) -> CaseDetail:
    case = await service.get_case(
        session=session, case_id=case_id, scope=requested_scope(principal, None)
    )
    if case is None or not principal.may_see(case.municipality_code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "case not found")
    # Every view of a case file is logged, in the transaction that reads it.
    applicant = next((p.bsn for p in case.household if p.role == "applicant"), None)
    await audit.record_view(
        session,
        access=audit.Access(principal, correlation_id_of(request)),
        case_id=case.id,
        application_number=case.application_number,
        municipality_code=case.municipality_code,
        applicant_bsn=applicant,
        secret=_secret(request, "bsn_hash_secret"),
    )
    return CaseDetail(
        **CaseSummary.model_validate(case).model_dump(),
        category=category_of(case.status),
        application_id=case.application_id,
        revision=case.revision,
        corrected=case.corrected,
        created_at=case.created_at,
        updated_at=case.updated_at,
        household=household_of(case.household),
        revisions=[Revision.model_validate(revision) for revision in case.revisions],
        history=[HistoryEntry.model_validate(entry) for entry in case.history],
    )
