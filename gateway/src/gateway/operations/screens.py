"""Geparkeerde berichten: what a service's consumer could not handle, for operators to replay
or discard (with a reason). Every action is in the security log."""

from __future__ import annotations

import uuid
from typing import Annotated, get_args
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import RedirectResponse

from gateway.operations.service import (
    DISCARD,
    REPLAY,
    REPLAY_ALL,
    SERVICE_LABEL,
    ParkingService,
    audit,
)
from gateway.ui.backend import Answer, call
from gateway.ui.web import Staff, render, require
from servicekit.auth import Permission

router = APIRouter(prefix="/ui/geparkeerd", include_in_schema=False)
ParkedStaff = Annotated[Staff, Depends(require(Permission.PARKED_MANAGE))]
SERVICES: tuple[str, ...] = get_args(ParkingService)
STATUS_LABEL = {"parked": "Geparkeerd", "replayed": "Opnieuw aangeboden", "discarded": "Afgewezen"}
_DONE = {
    "opnieuw": "Het bericht is opnieuw aangeboden aan de wachtrij.",
    "alles": "Alle geparkeerde berichten zijn opnieuw aangeboden.",
    "afgewezen": "Het bericht is afgewezen. Het blijft bewaard met uw reden.",
}
_REASON = "Geef een reden van 3 tot 500 tekens."
_CONFIRM = "Vink aan dat u het bericht afwijst."


def _choice(value: str | None, options: tuple[str, ...] | list[str], default: str) -> str:
    return value if value is not None and value in options else default


async def _page(
    request: Request,
    staff: Staff,
    *,
    service: str | None = None,
    status_code: int = 200,
    failure: str = "",
    errors: dict[str, str] | None = None,
    failed_id: str = "",
) -> Response:
    chosen = _choice(service or request.query_params.get("dienst"), SERVICES, SERVICES[0])
    status = _choice(request.query_params.get("status"), list(STATUS_LABEL), "parked")
    answer = await call(
        request,
        staff,
        chosen,  # type: ignore[arg-type]  # one of SERVICES
        "GET",
        "/parked",
        params=[("status", status), ("limit", "200")],
    )
    page = answer.data if answer.ok and isinstance(answer.data, dict) else None
    return render(
        request,
        "parked.html",
        staff=staff,
        status_code=status_code,
        active="geparkeerd",
        services=SERVICE_LABEL,
        service=chosen,
        status=status,
        statuses=STATUS_LABEL,
        items=page.get("items", []) if page else [],
        total=page.get("total", 0) if page else 0,
        error="" if page is not None else answer.message(),
        failure=failure,
        errors=errors or {},
        failed_id=failed_id,
        done=_DONE.get(request.query_params.get("gedaan", ""), ""),
    )


def _back(service: str, done: str) -> RedirectResponse:
    return RedirectResponse(
        "/ui/geparkeerd?" + urlencode({"dienst": service, "gedaan": done}), status_code=303
    )


async def _after(
    request: Request, staff: Staff, service: str, answer: Answer, done: str, failed_id: str = ""
) -> Response:
    if answer.ok:
        return _back(service, done)
    return await _page(
        request,
        staff,
        service=service,
        status_code=answer.refusal_status,
        failure=answer.message(),
        failed_id=failed_id,
    )


@router.get("")
async def parked(request: Request, staff: ParkedStaff) -> Response:
    return await _page(request, staff)


@router.post("/{service}/alles-opnieuw")
async def replay_all(request: Request, staff: ParkedStaff, service: ParkingService) -> Response:
    answer = await call(request, staff, service, "POST", "/parked/replay-all")
    await audit(
        request,
        staff.principal,
        action=REPLAY_ALL,
        service=service,
        parked_id=None,
        status_code=answer.status,
    )
    return await _after(request, staff, service, answer, "alles")


@router.post("/{service}/{parked_id}/opnieuw")
async def replay(
    request: Request, staff: ParkedStaff, service: ParkingService, parked_id: uuid.UUID
) -> Response:
    answer = await call(request, staff, service, "POST", f"/parked/{parked_id}/replay")
    await audit(
        request,
        staff.principal,
        action=REPLAY,
        service=service,
        parked_id=str(parked_id),
        status_code=answer.status,
    )
    return await _after(request, staff, service, answer, "opnieuw", str(parked_id))


@router.post("/{service}/{parked_id}/afwijzen")
async def discard(
    request: Request,
    staff: ParkedStaff,
    service: ParkingService,
    parked_id: uuid.UUID,
    reason: Annotated[str, Form(max_length=1000)] = "",
    bevestigd: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    cleaned = reason.strip()
    if bevestigd != "ja":
        # Like the quarantine: the box that confirms it must be ticked (no JavaScript).
        return await _page(
            request,
            staff,
            service=service,
            status_code=400,
            failure=f"Afwijzen is niet gelukt. {_CONFIRM}",
            errors={"confirm": _CONFIRM},
            failed_id=str(parked_id),
        )
    if not 3 <= len(cleaned) <= 500:
        return await _page(
            request,
            staff,
            service=service,
            status_code=400,
            failure=f"Afwijzen is niet gelukt. {_REASON}",
            errors={"reason": _REASON},
            failed_id=str(parked_id),
        )
    answer = await call(
        request,
        staff,
        service,
        "POST",
        f"/parked/{parked_id}/discard",
        body={"reason": cleaned},
    )
    await audit(
        request,
        staff.principal,
        action=DISCARD,
        service=service,
        parked_id=str(parked_id),
        status_code=answer.status,
    )
    return await _after(request, staff, service, answer, "afgewezen", str(parked_id))
