"""Quarantaine: applications intake could not process, for beheerders and operators."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from gateway.ui.backend import call
from gateway.ui.labels import QUARANTINE_STATUSES
from gateway.ui.web import QuarantineStaff, Staff, render

router = APIRouter(prefix="/ui/quarantaine", include_in_schema=False)
_DONE = {
    "opnieuw": "Het bericht is opnieuw verwerkt.",
    "afgewezen": "Het bericht is afgewezen en blijft bewaard.",
}


async def _page(
    request: Request,
    staff: Staff,
    *,
    status_code: int = 200,
    failure: str = "",
    errors: dict[str, str] | None = None,
    failed_id: str = "",
) -> Response:
    status = request.query_params.get("status", "quarantined")
    if status not in QUARANTINE_STATUSES:
        status = "quarantined"
    cursor = request.query_params.get("cursor")
    params = [("status", status), ("limit", "25")] + ([("cursor", cursor)] if cursor else [])
    answer = await call(request, staff, "intake", "GET", "/quarantine", params=params)
    page = answer.data if answer.ok and isinstance(answer.data, dict) else None
    next_cursor = page.get("next_cursor") if page else None
    return render(
        request,
        "quarantine.html",
        staff=staff,
        status_code=status_code,
        active="quarantaine",
        items=page.get("items", []) if page else [],
        error="" if page is not None else answer.message(),
        status=status,
        statuses=QUARANTINE_STATUSES,
        next_query=urlencode([("status", status), ("cursor", next_cursor)]) if next_cursor else "",
        failure=failure,
        errors=errors or {},
        failed_id=failed_id,
        done=_DONE.get(request.query_params.get("gedaan", ""), ""),
    )


@router.get("")
async def quarantine(
    request: Request,
    staff: QuarantineStaff,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
) -> Response:
    return await _page(request, staff)


@router.post("/{quarantine_id}/opnieuw")
async def reprocess(request: Request, staff: QuarantineStaff, quarantine_id: uuid.UUID) -> Response:
    answer = await call(request, staff, "intake", "POST", f"/quarantine/{quarantine_id}/reprocess")
    if answer.ok:
        outcome = answer.data.get("outcome") if isinstance(answer.data, dict) else None
        if outcome == "quarantined":
            return await _page(
                request,
                staff,
                status_code=200,
                failure="Opnieuw verwerken lukte niet; het bericht blijft in quarantaine.",
                failed_id=str(quarantine_id),
            )
        return RedirectResponse("/ui/quarantaine?gedaan=opnieuw", status_code=303)
    return await _page(
        request,
        staff,
        status_code=answer.status,
        failure=answer.message(),
        failed_id=str(quarantine_id),
    )


@router.post("/{quarantine_id}/afwijzen")
async def discard(
    request: Request,
    staff: QuarantineStaff,
    quarantine_id: uuid.UUID,
    reason: Annotated[str, Form(max_length=1000)] = "",
    bevestigd: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    cleaned = reason.strip()
    if bevestigd != "ja":
        # Discarding cannot be undone: the box that confirms it must be ticked (no JavaScript).
        return await _page(
            request,
            staff,
            status_code=400,
            failure="Afwijzen is niet gelukt. Vink aan dat u het bericht definitief afwijst.",
            errors={"confirm": "Vink aan dat u het bericht definitief afwijst."},
            failed_id=str(quarantine_id),
        )
    if not 3 <= len(cleaned) <= 500:
        return await _page(
            request,
            staff,
            status_code=400,
            failure="Afwijzen is niet gelukt. Geef een reden van 3 tot 500 tekens.",
            errors={"reason": "Geef een reden van 3 tot 500 tekens."},
            failed_id=str(quarantine_id),
        )
    answer = await call(
        request,
        staff,
        "intake",
        "POST",
        f"/quarantine/{quarantine_id}/discard",
        body={"reason": cleaned},
    )
    if answer.ok:
        return RedirectResponse("/ui/quarantaine?gedaan=afgewezen", status_code=303)
    return await _page(
        request,
        staff,
        status_code=answer.status,
        failure=answer.message(),
        failed_id=str(quarantine_id),
    )
