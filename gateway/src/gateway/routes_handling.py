"""The public API of case handling (`/api/v1/cases/{id}/...`), forwarded to the cases service.

The cases service checks the role, the municipality scope and the workflow itself; the gateway
authenticates, passes the body on unchanged and answers with what the service answered. The
models below document the bodies; they are not enforced here, so the rules live in one place.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from gateway.api import Services
from gateway.passthrough import content_type, pass_on, read_body
from gateway.schemas import PROBLEMS, Problem, json_response
from gateway.security import require
from servicekit.auth import Permission, Principal

router = APIRouter(prefix="/api/v1", tags=["case handling"])
Reader = Annotated[Principal, Depends(require(Permission.CASES_READ))]
Handler = Annotated[Principal, Depends(require(Permission.CASES_HANDLE))]
MemoWriter = Annotated[Principal, Depends(require(Permission.MEMOS_WRITE))]

MAX_BODY_BYTES = 64 * 1024
_CASE_ID = "0f8e2a4c-9d6b-4c1e-8a53-2b7d9e4f1a60"
_MEMO_ID = "0b7e3c1a-5d2f-4a8e-9c6b-1e2d3f4a5b6c"


class TransitionBody(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"to": "decided_granted", "reason": "Inkomen en vermogen binnen de normen."}
            ]
        }
    )

    to: str = Field(description="the new status, e.g. `awaiting_data`, `decided_granted`")
    reason: str = Field(min_length=1, max_length=2000, description="why, for the history")


class HoldBody(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"reason": "Wacht op loonstroken van de partner", "until": "2026-12-15"}]
        }
    )

    reason: str = Field(min_length=1, max_length=2000)
    until: date | None = Field(None, description="last day on hold; lifted automatically after it")


class AssigneeBody(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"assignee": "me"}]})

    assignee: str | None = Field(description="a staff member's id, `me`, or null for nobody")


class MemoBody(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"text": "Aanvrager belde: loonstroken volgen per post.", "corrects": None}
            ]
        }
    )

    text: str = Field(min_length=1, max_length=5000)
    corrects: uuid.UUID | None = Field(None, description="the memo this one corrects")


HANDLING_EXAMPLE: dict[str, Any] = {
    "id": _CASE_ID,
    "application_number": "GV-2025-000123",
    "kind": "application",
    "status": "decided_granted",
    "municipality_code": "0363",
    "adults": 2,
    "persons": 4,
    "submitted_at": "2025-01-06T09:12:44Z",
    "status_changed_at": "2025-01-20T14:02:10Z",
    "assigned_to": "staff-1",
    "campaign": None,
    "decision": "granted",
    "hold": None,
    "seconds_on_hold": 86400,
    "handling_seconds": 1140000,
    "handling_ended_at": "2025-01-20T14:02:10Z",
    "allowed_transitions": ["closed"],
}
MEMO_EXAMPLE: dict[str, Any] = {
    "id": _MEMO_ID,
    "created_at": "2025-01-07T10:04:00Z",
    "author": "staff-1",
    "organisation": "gemeente-amsterdam",
    "text": "Aanvrager belde: loonstroken volgen per post.",
    "corrects": None,
    "corrected_by": [],
}
HISTORY_EXAMPLE: dict[str, Any] = {
    "occurred_at": "2025-01-20T14:02:10Z",
    "action": "decided",
    "actor": "staff-2",
    "from_status": "advice_ready",
    "to_status": "decided_granted",
    "reason": "Inkomen en vermogen binnen de normen.",
    "details": {},
}

_HANDLING_STATE = json_response("the case's handling state", HANDLING_EXAMPLE)
_REFUSED: dict[int | str, dict[str, Any]] = {
    403: {"model": Problem, "description": "your role may not do this (Dutch message)"},
    404: {"model": Problem, "description": "no such case within your organisation"},
}
_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {
        "model": Problem,
        "description": "the case's status does not allow this, e.g. "
        "'Een aanvraag met status Ontvangen kan niet direct worden toegekend.'",
    }
}
_INVALID: dict[int | str, dict[str, Any]] = {
    422: {"model": Problem, "description": "the body is not valid"}
}


def _body_of(model: type[BaseModel]) -> dict[str, Any]:
    """Document a JSON request body that is forwarded as is."""
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": model.model_json_schema()}},
        }
    }


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


@router.post(
    "/cases/{case_id}/transitions",
    summary="Move a case to another status",
    description="Allowed steps depend on the status and your role; every step is recorded in "
    "the case history with your reason.",
    response_model=None,
    openapi_extra=_body_of(TransitionBody),
    responses={200: _HANDLING_STATE, **_REFUSED, **_CONFLICT, **_INVALID, **PROBLEMS},
)
async def transition(
    request: Request, principal: Handler, services: Services, case_id: uuid.UUID
) -> Response:
    return await _forward(request, services, principal, "POST", f"/cases/{case_id}/transitions")


@router.put(
    "/cases/{case_id}/hold",
    summary="Put a case on hold (in afwachting), or change its hold",
    response_model=None,
    openapi_extra=_body_of(HoldBody),
    responses={200: _HANDLING_STATE, **_REFUSED, **_CONFLICT, **_INVALID, **PROBLEMS},
)
async def put_on_hold(
    request: Request, principal: Handler, services: Services, case_id: uuid.UUID
) -> Response:
    return await _forward(request, services, principal, "PUT", f"/cases/{case_id}/hold")


@router.delete(
    "/cases/{case_id}/hold",
    summary="Lift a case's hold (optional query parameter `reason`)",
    response_model=None,
    responses={200: _HANDLING_STATE, **_REFUSED, **_CONFLICT, **PROBLEMS},
)
async def lift_hold(
    request: Request, principal: Handler, services: Services, case_id: uuid.UUID
) -> Response:
    return await _forward(request, services, principal, "DELETE", f"/cases/{case_id}/hold")


@router.get(
    "/cases/{case_id}/memos",
    summary="A case's memos, newest first",
    response_model=None,
    responses={200: json_response("the memos", [MEMO_EXAMPLE]), **_REFUSED, **PROBLEMS},
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
    openapi_extra=_body_of(MemoBody),
    responses={
        201: json_response("the new memo", MEMO_EXAMPLE),
        **_REFUSED,
        **_INVALID,
        **PROBLEMS,
    },
)
async def add_memo(
    request: Request, principal: MemoWriter, services: Services, case_id: uuid.UUID
) -> Response:
    return await _forward(request, services, principal, "POST", f"/cases/{case_id}/memos")


@router.put(
    "/cases/{case_id}/assignee",
    summary="Assign a case (`me` for yourself, null for nobody)",
    response_model=None,
    openapi_extra=_body_of(AssigneeBody),
    responses={200: _HANDLING_STATE, **_REFUSED, **_INVALID, **PROBLEMS},
)
async def put_assignee(
    request: Request, principal: Handler, services: Services, case_id: uuid.UUID
) -> Response:
    return await _forward(request, services, principal, "PUT", f"/cases/{case_id}/assignee")


@router.get(
    "/cases/{case_id}/history",
    summary="What happened to a case, by whom and why, oldest first",
    response_model=None,
    responses={200: json_response("the history", [HISTORY_EXAMPLE]), **_REFUSED, **PROBLEMS},
)
async def get_history(
    request: Request, principal: Reader, services: Services, case_id: uuid.UUID
) -> Response:
    return await _forward(request, services, principal, "GET", f"/cases/{case_id}/history")


@router.get(
    "/cases/{case_id}/handling",
    summary="A case's handling state: hold, handling time without time on hold, next steps",
    response_model=None,
    responses={200: json_response("the handling state", HANDLING_EXAMPLE), **_REFUSED, **PROBLEMS},
)
async def get_handling(
    request: Request, principal: Reader, services: Services, case_id: uuid.UUID
) -> Response:
    return await _forward(request, services, principal, "GET", f"/cases/{case_id}/handling")
