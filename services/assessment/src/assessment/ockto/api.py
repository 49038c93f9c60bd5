"""HTTP API of the Ockto adapter: start a session by hand, its QR code, the signed delivery
callback (passed on byte for byte by the gateway), and the refused deliveries."""

from __future__ import annotations

import uuid
from typing import Annotated

import segno
from fastapi import APIRouter, HTTPException, Query, Request, Response, status
from fastapi.responses import JSONResponse

from assessment.access import (
    CASE_NOT_FOUND,
    CaseHandler,
    CaseReader,
    DeliveryWatcher,
    OcktoCaller,
    visible_case,
)
from assessment.casefile import service as casefile
from assessment.casefile.service import CLOSED_STATUSES
from assessment.deps import parts
from assessment.ockto import delivery, repository, service
from assessment.ockto.client import OcktoUnavailableError
from assessment.ockto.schemas import (
    DeliveryAnswer,
    DeliveryRefusal,
    RefusedOut,
    RefusedPage,
    StartedOut,
)
from assessment.ockto.validation import Refused
from contracts.licences import Feature
from contracts.ockto import SIGNATURE_HEADER
from servicekit.http import DbSession, correlation_id_of
from servicekit.tenants import require_feature

router = APIRouter(tags=["ockto"])


@router.post(
    "/cases/{case_id}/data-sessions",
    status_code=status.HTTP_201_CREATED,
    response_model=StartedOut,
    responses={
        409: {"description": "the case is closed or decided"},
        503: {"description": "Ockto unreachable"},
    },
    summary="Start (or start again) an Ockto data session for the case; the open one ends",
)
async def start_session(
    request: Request, case_id: uuid.UUID, session: DbSession, principal: CaseHandler
) -> StartedOut:
    case = await visible_case(session, principal, case_id, lock=True)
    await require_feature(session, case.municipality_code, Feature.OCKTO)
    if case.status in CLOSED_STATUSES:
        raise HTTPException(status.HTTP_409_CONFLICT, "de zaak is gesloten")
    found = parts(request)
    try:
        row = await service.start_now(
            session,
            case,
            ockto=found.ockto,
            settings=found.settings,
            started_by=principal.subject,
            at=found.now(),
            correlation_id=correlation_id_of(request),
        )
    except OcktoUnavailableError as error:
        raise HTTPException(
            status.HTTP_503_SERVICE_UNAVAILABLE,
            f"Ockto is niet bereikbaar; probeer het later ({error})",
        ) from None
    await casefile.prepared_by(
        session,
        case_id=case.case_id,
        subject=principal.subject,
        how="started_session",
        at=found.now(),
    )
    assert row.ockto_session_id is not None
    assert row.url is not None
    assert row.expires_at is not None
    return StartedOut(
        session_id=row.ockto_session_id,
        url=row.url,
        expires_at=row.expires_at,
        qr_svg=f"/cases/{case_id}/data-sessions/{row.ockto_session_id}/qr.svg",
    )


@router.get(
    "/cases/{case_id}/data-sessions/{session_id}/qr.svg",
    response_class=Response,
    responses={200: {"content": {"image/svg+xml": {}}}},
    summary="The session's link as a QR code (SVG)",
)
async def session_qr(
    case_id: uuid.UUID, session_id: str, session: DbSession, principal: CaseReader
) -> Response:
    await visible_case(session, principal, case_id)
    row = next(
        (
            r
            for r in await repository.sessions_of(session, case_id)
            if r.ockto_session_id == session_id
        ),
        None,
    )
    if row is None or row.url is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, CASE_NOT_FOUND)
    svg = segno.make(row.url, error="m").svg_inline(scale=4, title="QR-code voor Ockto")
    return Response(svg, media_type="image/svg+xml")


async def _read_limited(request: Request, limit: int) -> tuple[bytes, int]:
    """The body up to `limit` bytes (one more, to know it is larger), and its full size: the
    rest is read and dropped, so the refusal can say how large it was."""
    kept: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        if size <= limit:
            kept.append(chunk[: limit + 1 - size])
        size += len(chunk)
    return b"".join(kept), size


@router.post(
    "/ockto/deliveries",
    response_model=DeliveryAnswer,
    responses={
        400: {"model": DeliveryRefusal},
        401: {"model": DeliveryRefusal, "description": "signature missing, wrong or not current"},
        404: {"model": DeliveryRefusal, "description": "unknown session"},
        409: {
            "model": DeliveryRefusal,
            "description": "session expired, completed, or a replay with another body",
        },
        413: {"model": DeliveryRefusal},
        415: {"model": DeliveryRefusal},
        422: {"model": DeliveryRefusal},
    },
    summary="Ockto's signed delivery (contract section 4); every refusal is recorded",
)
async def receive_delivery(request: Request, _: OcktoCaller) -> Response:
    found = parts(request)
    body, size = await _read_limited(request, found.settings.ockto_max_body_bytes)
    outcome = await delivery.receive(
        found.runtime.database,
        delivery.Incoming(
            body=body,
            size=size,
            signature=request.headers.get(SIGNATURE_HEADER),
            content_type=request.headers.get("content-type"),
            correlation_id=correlation_id_of(request),
        ),
        keyring=found.keyring,
        ockto=found.ockto,
        settings=found.settings,
        now=found.now(),
    )
    if isinstance(outcome, Refused):
        refusal = DeliveryRefusal(detail=outcome.reason, reason_code=outcome.code)
        return JSONResponse(refusal.model_dump(), status_code=outcome.status)
    if outcome.documents:
        request.app.state.workers.document_uploader.wake()
    answer = DeliveryAnswer(
        status="duplicate" if outcome.duplicate else "accepted", delivery_id=outcome.delivery_id
    )
    return JSONResponse(answer.model_dump(mode="json"))


@router.get(
    "/ockto/refused-deliveries",
    response_model=RefusedPage,
    summary="Refused deliveries with their reasons, newest first (no personal data)",
)
async def refused_deliveries(
    session: DbSession,
    principal: DeliveryWatcher,
    before: int | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> RefusedPage:
    scope = None if principal.all_municipalities else principal.municipalities
    rows = await repository.refusals(
        session, municipalities=scope, before_id=before, limit=limit + 1
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return RefusedPage(
        items=[RefusedOut.of(r) for r in rows], next_before=rows[-1].id if more and rows else None
    )
