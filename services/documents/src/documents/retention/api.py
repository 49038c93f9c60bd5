"""HTTP API of retention: a municipality's periods, and a legal hold per case."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, status

from documents.access import HoldManager, PolicyManager, Reader
from documents.deps import runtime_of, settings_of
from documents.known_cases.models import KnownCase
from documents.known_cases.service import visible_case
from documents.retention import service
from documents.retention.schemas import (
    LegalHoldOut,
    LegalHoldRequest,
    RetentionOut,
    RetentionPeriods,
)
from documents.schemas import COMMON
from servicekit.auth import Principal
from servicekit.http import DbSession

router = APIRouter(tags=["retention"])
Code = Annotated[str, Path(pattern=r"^[0-9]{4}$")]
_NOT_FOUND = "gemeente niet gevonden (of niet binnen uw organisatie)"


def _in_scope(principal: Principal, code: str) -> None:
    if not principal.may_see(code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND)


@router.get(
    "/municipalities/{code}/retention",
    response_model=RetentionOut,
    responses=COMMON,
    summary="How long the municipality keeps documents after a case closed",
)
async def get_retention(
    request: Request, code: Code, principal: Reader, session: DbSession
) -> RetentionOut:
    _in_scope(principal, code)
    settings = settings_of(request)
    found = await service.periods(
        session,
        code=code,
        default_letter_years=settings.retention_letter_years,
        default_evidence_years=settings.retention_evidence_years,
    )
    return RetentionOut(
        municipality_code=code,
        letter_years=found.letter_years,
        evidence_years=found.evidence_years,
        is_default=found.is_default,
    )


@router.put(
    "/municipalities/{code}/retention",
    response_model=RetentionOut,
    responses=COMMON,
    summary="Set the municipality's retention periods (functioneel beheerder)",
)
async def put_retention(
    request: Request,
    code: Code,
    body: RetentionPeriods,
    principal: PolicyManager,
    session: DbSession,
) -> RetentionOut:
    _in_scope(principal, code)
    await service.set_periods(
        session,
        principal=principal,
        code=code,
        letter_years=body.letter_years,
        evidence_years=body.evidence_years,
        now=runtime_of(request).clock.now(),
    )
    return RetentionOut(municipality_code=code, is_default=False, **body.model_dump())


def _hold(case: KnownCase) -> LegalHoldOut:
    return LegalHoldOut(
        case_id=case.id,
        legal_hold=case.legal_hold,
        reason=case.legal_hold_reason,
        set_by=case.legal_hold_by,
        set_at=case.legal_hold_at,
    )


@router.put(
    "/cases/{case_id}/legal-hold",
    response_model=LegalHoldOut,
    responses=COMMON,
    summary="Keep the case's documents past retention (e.g. an objection or a court case)",
)
async def put_legal_hold(
    request: Request,
    case_id: uuid.UUID,
    body: LegalHoldRequest,
    principal: HoldManager,
    session: DbSession,
) -> LegalHoldOut:
    case = await visible_case(session=session, principal=principal, case_id=case_id, lock=True)
    await service.set_legal_hold(
        session,
        principal=principal,
        case=case,
        reason=body.reason,
        now=runtime_of(request).clock.now(),
    )
    case = await visible_case(session=session, principal=principal, case_id=case_id)
    return _hold(case)


@router.delete(
    "/cases/{case_id}/legal-hold",
    response_model=LegalHoldOut,
    responses=COMMON,
    summary="Lift the legal hold: retention applies again",
)
async def delete_legal_hold(
    request: Request, case_id: uuid.UUID, principal: HoldManager, session: DbSession
) -> LegalHoldOut:
    case = await visible_case(session=session, principal=principal, case_id=case_id, lock=True)
    await service.set_legal_hold(
        session, principal=principal, case=case, reason=None, now=runtime_of(request).clock.now()
    )
    case = await visible_case(session=session, principal=principal, case_id=case_id)
    return _hold(case)
