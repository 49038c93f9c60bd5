"""The public API of case handling (`/api/v1/cases/{id}/...`), forwarded to the cases service.

The bodies and answers are the cases service's own models (`contracts.api.cases`, one source):
the gateway documents them and checks a body against them before it forwards the body as it
came; the cases service checks the role, the municipality scope and the workflow itself.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status

from contracts.api.cases import (
    AssigneeRequest,
    CaseHandling,
    HistoryEntry,
    HoldRequest,
    Memo,
    MemoRequest,
    Reason,
    TransitionRequest,
)
from contracts.api.common import errors
from gateway.passthrough import content_type, pass_on, read_body
from gateway.proxy import Services
from gateway.schemas import PROBLEMS
from gateway.security import require
from servicekit.auth import Permission, Principal

router = APIRouter(prefix="/api/v1", tags=["case handling"])
Reader = Annotated[Principal, Depends(require(Permission.CASES_READ))]
Handler = Annotated[Principal, Depends(require(Permission.CASES_HANDLE))]
MemoWriter = Annotated[Principal, Depends(require(Permission.MEMOS_WRITE))]

MAX_BODY_BYTES = 64 * 1024
_REFUSED = errors(403, 404, 422)
_BODY = errors(400, 413, e400="the body is not JSON (or not UTF-8)")
_CONFLICT = errors(
    409,
    e409="The case's status does not allow this, e.g. 'Een aanvraag met "
    "status Ontvangen kan niet direct worden toegekend.'",
)


async def _forward(
    request: Request, services: Services, principal: Principal, method: str, path: str
) -> Response:
    """Pass the request on to the cases service, with its body when it has one."""
    if method not in {"POST", "PUT"}:
        return await pass_on(request, services.cases, principal, method=method, path=path)
    return await pass_on(
        request,
        services.cases,
        principal,
        method=method,
        path=path,
        content=await read_body(request, limit=MAX_BODY_BYTES),
        headers=content_type(request),
    )


_STATE: dict[int | str, dict[str, Any]] = {
    200: {"model": CaseHandling, "description": "the case's handling state"}
}


@router.post(
    "/cases/{case_id}/transitions",
    summary="Move a case to another status",
    description="Allowed steps depend on the status and your role; every step is recorded in "
    "the case history with your reason.",
    response_model=None,
    max_body_size=MAX_BODY_BYTES,
    responses={**_STATE, **_REFUSED, **_BODY, **_CONFLICT, **PROBLEMS},
)
async def transition(
    request: Request,
    principal: Handler,
    services: Services,
    case_id: uuid.UUID,
    body: TransitionRequest,
) -> Response:
    return await _forward(request, services, principal, "POST", f"/cases/{case_id}/transitions")


@router.put(
    "/cases/{case_id}/hold",
    summary="Put a case on hold (in afwachting), or change its hold",
    description="The handling clock stops while on hold; after `until` (a date in the "
    "Netherlands) the hold is lifted automatically.",
    response_model=None,
    max_body_size=MAX_BODY_BYTES,
    responses={**_STATE, **_REFUSED, **_BODY, **_CONFLICT, **PROBLEMS},
)
async def put_on_hold(
    request: Request, principal: Handler, services: Services, case_id: uuid.UUID, body: HoldRequest
) -> Response:
    return await _forward(request, services, principal, "PUT", f"/cases/{case_id}/hold")


@router.delete(
    "/cases/{case_id}/hold",
    summary="Lift a case's hold: back to the status it was put on hold from",
    response_model=None,
    responses={**_STATE, **_REFUSED, **_CONFLICT, **PROBLEMS},
)
async def lift_hold(
    request: Request,
    principal: Handler,
    services: Services,
    case_id: uuid.UUID,
    reason: Annotated[Reason | None, Query(description="why, for the history")] = None,
) -> Response:
    return await _forward(request, services, principal, "DELETE", f"/cases/{case_id}/hold")


@router.get(
    "/cases/{case_id}/memos",
    summary="A case's memos, newest first",
    response_model=None,
    responses={200: {"model": list[Memo], "description": "the memos"}, **_REFUSED, **PROBLEMS},
)
async def list_memos(
    request: Request, principal: Reader, services: Services, case_id: uuid.UUID
) -> Response:
    return await _forward(request, services, principal, "GET", f"/cases/{case_id}/memos")


@router.post(
    "/cases/{case_id}/memos",
    summary="Add a memo, or a correction of an earlier one (memos never change)",
    response_model=None,
    status_code=status.HTTP_201_CREATED,
    max_body_size=MAX_BODY_BYTES,
    responses={
        201: {"model": Memo, "description": "the new memo"},
        **_REFUSED,
        **_BODY,
        **PROBLEMS,
    },
)
async def add_memo(
    request: Request,
    principal: MemoWriter,
    services: Services,
    case_id: uuid.UUID,
    body: MemoRequest,
) -> Response:
    return await _forward(request, services, principal, "POST", f"/cases/{case_id}/memos")


@router.put(
    "/cases/{case_id}/assignee",
    summary="Assign a case (`me` for yourself, null for nobody)",
    response_model=None,
    max_body_size=MAX_BODY_BYTES,
    responses={**_STATE, **_REFUSED, **_BODY, **PROBLEMS},
)
async def put_assignee(
    request: Request,
    principal: Handler,
    services: Services,
    case_id: uuid.UUID,
    body: AssigneeRequest,
) -> Response:
    return await _forward(request, services, principal, "PUT", f"/cases/{case_id}/assignee")


@router.get(
    "/cases/{case_id}/history",
    summary="What happened to a case, by whom and why, oldest first",
    response_model=None,
    responses={
        200: {"model": list[HistoryEntry], "description": "the history"},
        **_REFUSED,
        **PROBLEMS,
    },
)
async def get_history(
    request: Request, principal: Reader, services: Services, case_id: uuid.UUID
) -> Response:
    return await _forward(request, services, principal, "GET", f"/cases/{case_id}/history")


@router.get(
    "/cases/{case_id}/handling",
    summary="A case's handling state: hold, handling time without time on hold, next steps",
    response_model=None,
    responses={**_STATE, **_REFUSED, **PROBLEMS},
)
async def get_handling(
    request: Request, principal: Reader, services: Services, case_id: uuid.UUID
) -> Response:
    return await _forward(request, services, principal, "GET", f"/cases/{case_id}/handling")
