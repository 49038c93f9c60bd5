"""HTTP API of the decision."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, HTTPException, Request, status

from assessment.access import Decider, visible_case
from assessment.advice.schemas import DecisionOut
from assessment.decisions import service
from assessment.decisions.schemas import DecisionIn
from assessment.deps import parts
from contracts.licences import Feature
from servicekit.http import DbSession, correlation_id_of
from servicekit.tenants import require_feature

router = APIRouter(tags=["decision"])


@router.post(
    "/cases/{case_id}/decision",
    status_code=status.HTTP_201_CREATED,
    response_model=DecisionOut,
    responses={
        403: {"description": "not a beslisser, or four eyes: you prepared this case"},
        404: {"description": "no such case in your organisation"},
        409: {"description": "already decided"},
        422: {"description": "reasons or motivation missing or not allowed"},
    },
    summary="Record the decision (the one source of the decided status and the letter)",
)
async def decide(
    request: Request, case_id: uuid.UUID, body: DecisionIn, session: DbSession, principal: Decider
) -> DecisionOut:
    found = parts(request)
    case = await visible_case(session, principal, case_id, lock=True)
    await require_feature(session, case.municipality_code, Feature.DECISIONS)
    try:
        decision = await service.decide(
            session,
            case=case,
            outcome=body.outcome,
            reasons=tuple(body.reasons),
            custom_reason=body.custom_reason,
            motivation=body.motivation,
            decided_by=principal.subject,
            at=found.now(),
            correlation_id=correlation_id_of(request),
        )
    except service.DecisionRefusedError as error:
        raise HTTPException(error.status, error.message) from None
    return DecisionOut.of(decision)
