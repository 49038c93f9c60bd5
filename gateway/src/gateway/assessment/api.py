"""The assessment service in the public API: parameters, the case's assessment, data sessions,
manual entry, the advice, the decision, the file check, and Ockto's signed callback.

The assessment service checks roles, scope and rules itself; the gateway authenticates and
passes bodies on unchanged. Ockto's callback carries no API key: its body goes on byte for
byte with its `X-Ockto-Signature`, which the assessment service checks.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response, status
from fastapi.responses import JSONResponse

from contracts.api.common import Problem, Unprocessable
from contracts.ockto import SIGNATURE_HEADER
from gateway.passthrough import content_type, pass_on, read_body, stream_on
from gateway.proxy import Services
from gateway.schemas import PROBLEMS, json_response
from gateway.security import require
from gateway.settings import settings_of
from servicekit.auth import Permission, Principal, public

router = APIRouter(prefix="/api/v1")

_AssessmentPrepare = Annotated[Principal, Depends(require(Permission.ASSESSMENT_PREPARE))]
_AssessmentRead = Annotated[Principal, Depends(require(Permission.ASSESSMENT_READ))]
_CasesDecide = Annotated[Principal, Depends(require(Permission.CASES_DECIDE))]
_DeliveriesMonitor = Annotated[Principal, Depends(require(Permission.DELIVERIES_MONITOR))]
_FileCheckManage = Annotated[Principal, Depends(require(Permission.FILE_CHECK_MANAGE))]
_ParametersManage = Annotated[Principal, Depends(require(Permission.PARAMETERS_MANAGE))]
_ParametersRead = Annotated[Principal, Depends(require(Permission.PARAMETERS_READ))]
OCKTO = Principal(
    subject="ockto",
    organisation="platform",
    role="system",
    all_municipalities=True,
    purpose="ockto_delivery",
)
"""Who the callback is to the assessment service; the signature proves it is Ockto."""
MAX_JSON_BYTES = 256 * 1024
Code = Annotated[str, Path(pattern=r"^[0-9]{4}$", description="CBS code, e.g. `0363`")]
_NOT_FOUND = {"model": Problem, "description": "not found, or not within your organisation"}
_REFUSED = {"model": Unprocessable, "description": "refused; `detail` names the field and the rule"}
_ASSESSMENT_EXAMPLE: dict[str, Any] = {
    "case_id": "0f8e2a4c-9d6b-4c1e-8a53-2b7d9e4f1a60",
    "municipality_code": "0363",
    "status": "awaiting_data",
    "parameter_version_id": "5d0c3f4e-1b2a-4c5d-9e8f-7a6b5c4d3e2f",
    "check_moment": "vooraf",
    "four_eyes": False,
    "sessions": [
        {"session_id": "oks_7Hq2LmP9xR4tV8wZ", "state": "delivered", "url": "https://..."}
    ],
    "data": [{"origin": "ockto", "period_first": "2026-09-01", "period_last": "2026-11-30"}],
    "advice": {
        "advice": "reject",
        "label": "Afwijzen",
        "reasons": ["income_above_limit"],
        "explanation": [
            "Uw netto-inkomen van € 1.702,00 per maand is hoger dan de inkomensgrens van "
            "€ 1.681,80 (120% van de bijstandsnorm voor een alleenstaande)."
        ],
        "figures": {"income": {"total": "1702.00", "limit": "1681.80"}},
    },
    "decision": None,
    "may_decide": True,
}


async def _json(request: Request) -> bytes:
    return await read_body(request, limit=MAX_JSON_BYTES)


@router.get(
    "/municipalities/{code}/parameters",
    tags=["parameters"],
    summary="The parameter versions; with `?on=YYYY-MM-DD` which one applies that day",
    response_model=None,
    responses={404: _NOT_FOUND, **PROBLEMS},
)
async def list_parameters(
    request: Request, principal: _ParametersRead, services: Services, code: Code
) -> Response:
    return await pass_on(
        request, services.assessment, principal, path=f"/municipalities/{code}/parameters"
    )


@router.post(
    "/municipalities/{code}/parameters",
    tags=["parameters"],
    summary="Add a version from a date (functioneel beheerder); refused field by field",
    response_model=None,
    status_code=status.HTTP_201_CREATED,
    responses={403: {"model": Problem}, 404: _NOT_FOUND, 422: _REFUSED, **PROBLEMS},
)
async def add_parameters(
    request: Request, principal: _ParametersManage, services: Services, code: Code
) -> Response:
    return await pass_on(
        request,
        services.assessment,
        principal,
        method="POST",
        path=f"/municipalities/{code}/parameters",
        query=False,
        content=await _json(request),
        headers=content_type(request),
    )


@router.get(
    "/municipalities/{code}/parameters/audit",
    tags=["parameters"],
    summary="Who changed which parameters when",
    response_model=None,
    responses={404: _NOT_FOUND, **PROBLEMS},
)
async def parameter_audit(
    request: Request, principal: _ParametersRead, services: Services, code: Code
) -> Response:
    return await pass_on(
        request, services.assessment, principal, path=f"/municipalities/{code}/parameters/audit"
    )


@router.get(
    "/cases/{case_id}/assessment",
    tags=["assessment"],
    summary="Sessions, data per source with periods, the advice with figures, explanation and "
    "parameter version, and the decision",
    response_model=None,
    responses={
        200: json_response("the case's assessment", _ASSESSMENT_EXAMPLE),
        404: _NOT_FOUND,
        **PROBLEMS,
    },
)
async def get_assessment(
    request: Request, principal: _AssessmentRead, services: Services, case_id: uuid.UUID
) -> Response:
    return await pass_on(
        request, services.assessment, principal, path=f"/cases/{case_id}/assessment", query=False
    )


@router.post(
    "/cases/{case_id}/data-sessions",
    tags=["assessment"],
    summary="Start (again) an Ockto data session: `{session_id, url, expires_at}`",
    response_model=None,
    status_code=status.HTTP_201_CREATED,
    responses={404: _NOT_FOUND, 409: {"model": Problem}, **PROBLEMS},
)
async def start_data_session(
    request: Request, principal: _AssessmentPrepare, services: Services, case_id: uuid.UUID
) -> Response:
    return await pass_on(
        request,
        services.assessment,
        principal,
        method="POST",
        path=f"/cases/{case_id}/data-sessions",
        query=False,
    )


@router.get(
    "/cases/{case_id}/data-sessions/{session_id}/qr.svg",
    tags=["assessment"],
    summary="The session's link as a QR code (SVG)",
    response_model=None,
    responses={200: {"content": {"image/svg+xml": {}}}, 404: _NOT_FOUND, **PROBLEMS},
)
async def data_session_qr(
    request: Request,
    principal: _AssessmentRead,
    services: Services,
    case_id: uuid.UUID,
    session_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{16,64}$")],
) -> Response:
    path = f"/cases/{case_id}/data-sessions/{session_id}/qr.svg"
    return await pass_on(request, services.assessment, principal, path=path, query=False)


@router.put(
    "/cases/{case_id}/manual-data",
    tags=["assessment"],
    summary="Enter incomes and assets from uploaded evidence (marked manual)",
    response_model=None,
    responses={404: _NOT_FOUND, 422: _REFUSED, **PROBLEMS},
)
async def manual_data(
    request: Request, principal: _AssessmentPrepare, services: Services, case_id: uuid.UUID
) -> Response:
    return await pass_on(
        request,
        services.assessment,
        principal,
        method="PUT",
        path=f"/cases/{case_id}/manual-data",
        query=False,
        content=await _json(request),
        headers=content_type(request),
    )


@router.post(
    "/cases/{case_id}/advice",
    tags=["assessment"],
    summary="Compute the advice again from the current data",
    response_model=None,
    responses={404: _NOT_FOUND, 409: {"model": Problem}, **PROBLEMS},
)
async def recompute_advice(
    request: Request, principal: _AssessmentPrepare, services: Services, case_id: uuid.UUID
) -> Response:
    return await pass_on(
        request,
        services.assessment,
        principal,
        method="POST",
        path=f"/cases/{case_id}/advice",
        query=False,
    )


@router.post(
    "/cases/{case_id}/decision",
    tags=["assessment"],
    summary='Record the decision `{"outcome": "granted"|"rejected", "reasons": [...], "motivation"}`',
    response_model=None,
    status_code=status.HTTP_201_CREATED,
    responses={
        403: {"model": Problem},
        404: _NOT_FOUND,
        409: {"model": Problem},
        422: _REFUSED,
        **PROBLEMS,
    },
)
async def decide(
    request: Request, principal: _CasesDecide, services: Services, case_id: uuid.UUID
) -> Response:
    return await pass_on(
        request,
        services.assessment,
        principal,
        method="POST",
        path=f"/cases/{case_id}/decision",
        query=False,
        content=await _json(request),
        headers=content_type(request),
    )


def _too_large() -> JSONResponse:
    return JSONResponse({"detail": "de aanvraag is te groot"}, status_code=413)


async def _stream_on(
    request: Request,
    services: Services,
    principal: Principal,
    *,
    path: str,
    limit: int,
    extra: dict[str, str],
) -> Response:
    return await stream_on(
        request,
        services.assessment,
        principal,
        path=path,
        limit=limit,
        headers={**content_type(request), **extra},
        timeout_seconds=settings_of(request).import_upload_timeout_seconds,
        too_large=_too_large,
    )


@router.post(
    "/municipalities/{code}/file-check",
    tags=["file check"],
    summary="Upload the file check (multipart `file`: CSV or XLSX of BSNs); replaces the list",
    response_model=None,
    status_code=status.HTTP_201_CREATED,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                }
            },
        }
    },
    responses={
        404: _NOT_FOUND,
        413: {"model": Problem},
        415: {"model": Problem},
        422: _REFUSED,
        **PROBLEMS,
    },
)
async def upload_file_check(
    request: Request, principal: _FileCheckManage, services: Services, code: Code
) -> Response:
    limit = settings_of(request).max_file_check_body_bytes
    return await _stream_on(
        request,
        services,
        principal,
        path=f"/municipalities/{code}/file-check",
        limit=limit,
        extra={},
    )


@router.get(
    "/municipalities/{code}/file-check",
    tags=["file check"],
    summary="The current file check with its per-line report",
    response_model=None,
    responses={404: _NOT_FOUND, **PROBLEMS},
)
async def current_file_check(
    request: Request, principal: _FileCheckManage, services: Services, code: Code
) -> Response:
    return await pass_on(
        request,
        services.assessment,
        principal,
        path=f"/municipalities/{code}/file-check",
        query=False,
    )


@router.get(
    "/municipalities/{code}/file-check/report.csv",
    tags=["file check"],
    summary="The current file check's report as CSV for Excel",
    response_model=None,
    responses={200: {"content": {"text/csv": {}}}, 404: _NOT_FOUND, **PROBLEMS},
)
async def file_check_report(
    request: Request, principal: _FileCheckManage, services: Services, code: Code
) -> Response:
    path = f"/municipalities/{code}/file-check/report.csv"
    return await pass_on(request, services.assessment, principal, path=path, query=False)


@router.post(
    "/ockto/deliveries",
    dependencies=[Depends(public("Ockto signs the body (HMAC); the assessment service checks it"))],
    tags=["ockto"],
    summary="Ockto's signed data delivery (no API key; `X-Ockto-Signature`)",
    description=(
        "The body of `ockto-delivery.v1.schema.json` with "
        '`X-Ockto-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, '
        "passed on byte for byte. 200 when accepted, and again for a replay of the same "
        "delivery; every refusal (4xx) names its reason and is recorded."
    ),
    response_model=None,
    responses={
        200: json_response(
            "accepted",
            {"status": "accepted", "delivery_id": "3b0f6c1e-9d2a-4e57-b8a4-1c2d3e4f5a61"},
        ),
        401: {"model": Problem, "description": "signature missing, wrong or not current"},
        404: {"model": Problem, "description": "unknown session"},
        409: {
            "model": Problem,
            "description": "session expired or completed; replay with another body",
        },
        413: {"model": Problem},
        422: {
            "model": Unprocessable,
            "description": "the body breaks the contract; the reason says how",
        },
        503: PROBLEMS[503],
        504: PROBLEMS[504],
    },
)
async def ockto_delivery(request: Request, services: Services) -> Response:
    extra = {}
    if SIGNATURE_HEADER.lower() in request.headers:
        extra[SIGNATURE_HEADER] = request.headers[SIGNATURE_HEADER.lower()]
    limit = settings_of(request).max_ockto_body_bytes
    return await _stream_on(
        request, services, OCKTO, path="/ockto/deliveries", limit=limit, extra=extra
    )


@router.get(
    "/ockto/refused-deliveries",
    tags=["ockto"],
    summary="Refused deliveries with their reasons (functioneel beheerder, operator); no personal data",
    response_model=None,
    responses={403: {"model": Problem}, **PROBLEMS},
)
async def refused_deliveries(
    request: Request, principal: _DeliveriesMonitor, services: Services
) -> Response:
    return await pass_on(request, services.assessment, principal, path="/ockto/refused-deliveries")
