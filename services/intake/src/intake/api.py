"""Intake's HTTP API: the signed website endpoint and the quarantine for staff."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request, status
from fastapi.responses import JSONResponse

from contracts.api.common import errors
from intake import cursors, repository, service
from intake.schemas import (
    DiscardRequest,
    IntakeResult,
    Municipality,
    QuarantinedDetail,
    QuarantinedItem,
    QuarantinePage,
    QuarantineResult,
    ReprocessResult,
)
from intake.settings import IntakeSettings
from servicekit.auth import Permission, Principal, require
from servicekit.http import DbSession, correlation_id_of

router = APIRouter()
QuarantineStaff = Annotated[Principal, Depends(require(Permission.QUARANTINE_MANAGE))]
Submitter = Annotated[Principal, Depends(require(Permission.APPLICATIONS_SUBMIT))]
"""The gateway, handing on the website's signed request as itself (role `system`)."""
MunicipalityReader = Annotated[Principal, Depends(require(Permission.MUNICIPALITIES_READ))]
NOT_FOUND = "quarantined message not found"


def _settings(request: Request) -> IntakeSettings:
    settings: IntakeSettings = request.app.state.settings
    return settings


def _signature_matches(body: bytes, header: str | None, secret: str) -> bool:
    if not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


@router.post(
    "/applications",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=IntakeResult,
    responses={
        **errors(401, 403, 413, e401="token missing or invalid, or signature missing or wrong"),
        422: {"model": QuarantineResult, "description": "rejected and kept in quarantine"},
    },
    summary="Receive an application from the website over HTTP (HMAC-signed body)",
)
async def receive_application(
    request: Request,
    session: DbSession,
    _: Submitter,
    x_signature: Annotated[str | None, Header()] = None,
) -> IntakeResult | JSONResponse:
    settings = _settings(request)
    body = await request.body()
    if len(body) > settings.max_body_bytes:
        raise HTTPException(status.HTTP_413_CONTENT_TOO_LARGE, "body too large")
    if not _signature_matches(body, x_signature, settings.website_hmac_secret):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "X-Signature missing or does not match")
    outcome = await service.receive(
        session,
        body=body,
        channel="http",
        message_id=None,
        correlation_id=correlation_id_of(request),
    )
    if isinstance(outcome, service.Quarantined):
        result = QuarantineResult(
            quarantine_id=outcome.quarantine_id,
            reason_code=outcome.reason_code,
            reason=outcome.reason,
        )
        return JSONResponse(result.model_dump(mode="json"), status_code=422)
    if isinstance(outcome, service.Duplicate):
        return IntakeResult(outcome="duplicate", application_number=outcome.application_number)
    return IntakeResult(
        outcome="accepted" if outcome.revision == 1 else "corrected",
        application_number=outcome.application_number,
        revision=outcome.revision,
    )


def _scope(principal: Principal) -> tuple[str, ...] | None:
    return None if principal.all_municipalities else principal.municipalities


@router.get(
    "/quarantine",
    response_model=QuarantinePage,
    summary="Quarantined intake messages",
    responses=errors(400, 401, 403, 422),
)
async def list_quarantine(
    request: Request,
    session: DbSession,
    principal: QuarantineStaff,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
    status_filter: Annotated[
        str | None, Query(alias="status", pattern="^(quarantined|reprocessed|discarded)$")
    ] = None,
) -> QuarantinePage:
    secret = _settings(request).internal_token_secret
    after = None
    if cursor:
        after = cursors.quarantine_after(cursor, status=status_filter, secret=secret)
    items = await repository.list_quarantined(
        session,
        municipalities=_scope(principal),
        status=status_filter,
        after=after,
        limit=limit + 1,
    )
    next_cursor = None
    if len(items) > limit:
        items = items[:limit]
        last = items[-1]
        next_cursor = cursors.quarantine_cursor(
            last.received_at, last.id, status=status_filter, secret=secret
        )
    return QuarantinePage(
        items=[QuarantinedItem.model_validate(i, from_attributes=True) for i in items],
        next_cursor=next_cursor,
    )


@router.get(
    "/quarantine/{quarantine_id}",
    response_model=QuarantinedDetail,
    responses=errors(401, 403, 404, 422, e404=NOT_FOUND),
)
async def get_quarantined(
    quarantine_id: uuid.UUID, session: DbSession, principal: QuarantineStaff
) -> QuarantinedDetail:
    item = await repository.get_quarantined(session, quarantine_id)
    if item is None or not principal.may_see(item.municipality_code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return QuarantinedDetail(
        **QuarantinedItem.model_validate(item, from_attributes=True).model_dump(),
        body=service.body_preview(item.raw_body),
    )


async def _visible_item(session: DbSession, quarantine_id: uuid.UUID, principal: Principal) -> None:
    item = await repository.get_quarantined(session, quarantine_id)
    if item is None or not principal.may_see(item.municipality_code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)


@router.post(
    "/quarantine/{quarantine_id}/reprocess",
    summary="Run a quarantined message through intake again",
    response_model=ReprocessResult,
    response_model_exclude_none=True,
    responses=errors(401, 403, 404, 409, 422, e404=NOT_FOUND, e409="already resolved"),
)
async def reprocess(
    quarantine_id: uuid.UUID, request: Request, session: DbSession, principal: QuarantineStaff
) -> ReprocessResult:
    await _visible_item(session, quarantine_id, principal)
    try:
        outcome = await service.reprocess(
            session,
            quarantine_id=quarantine_id,
            actor=principal.subject,
            correlation_id=correlation_id_of(request),
        )
    except service.QuarantineConflictError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None
    if isinstance(outcome, service.Quarantined):
        return ReprocessResult(
            outcome="quarantined", reason_code=outcome.reason_code, reason=outcome.reason
        )
    return ReprocessResult(
        outcome=outcome.outcome,
        application_number=outcome.application_number,
    )


@router.post(
    "/quarantine/{quarantine_id}/discard",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Close a quarantined message without accepting it (kept, with who and why)",
    responses=errors(400, 401, 403, 404, 409, 422, e404=NOT_FOUND, e409="already resolved"),
)
async def discard(
    quarantine_id: uuid.UUID, body: DiscardRequest, session: DbSession, principal: QuarantineStaff
) -> None:
    await _visible_item(session, quarantine_id, principal)
    try:
        await service.discard(
            session, quarantine_id=quarantine_id, actor=principal.subject, reason=body.reason
        )
    except service.QuarantineConflictError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None


@router.get(
    "/municipalities",
    summary="Customer municipalities intake accepts applications for",
    responses=errors(401, 403),
)
async def known_municipalities(
    session: DbSession, principal: MunicipalityReader
) -> list[Municipality]:
    known = await repository.list_municipalities(session)
    return [Municipality(code=m.code, name=m.name) for m in known if principal.may_see(m.code)]
