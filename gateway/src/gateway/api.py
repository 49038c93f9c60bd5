"""The public API `/api/v1`: authenticate, check scope, forward to the owning service."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status

from contracts.api.cases import CaseDetail, CasePage, Overview
from contracts.api.common import errors
from contracts.api.intake import IntakeResult, QuarantinePage, QuarantineResult, ReprocessResult
from gateway import scope
from gateway.passthrough import content_type, pass_on, read_body
from gateway.proxy import Services
from gateway.schemas import PROBLEMS, application_request_schema
from gateway.security import require
from gateway.settings import GatewaySettings
from servicekit.auth import Permission, Principal, public, system_principal
from servicekit.http import correlation_id_of
from servicekit.runtime import ServiceRuntime

WEBSITE = system_principal("gateway", purpose="intake")
"""Who hands the website's signed application to intake: the gateway itself (role `system`,
the only role that may submit applications)."""
_NOT_FOUND = "gemeente of ISD niet gevonden (of niet binnen uw organisatie)"


router = APIRouter(prefix="/api/v1")

QuarantineManager = Annotated[Principal, Depends(require(Permission.QUARANTINE_MANAGE))]
OverviewReader = Annotated[Principal, Depends(require(Permission.OVERVIEW_READ))]
Reader = Annotated[Principal, Depends(require(Permission.CASES_READ))]
MunicipalityCode = Annotated[
    str | None, Query(pattern=r"^[0-9]{4}$", description="CBS code, e.g. `0363`")
]


@router.get(
    "/overview",
    tags=["overview"],
    summary="Case counts per status category for one municipality or one ISD",
    description=(
        "Give exactly one of `municipality` or `isd`. An ISD key may ask for its own ISD or "
        "any of its member municipalities; a municipality key only for itself. Anything "
        "outside the key's organisation is answered with 404."
    ),
    response_model=None,
    responses={
        200: {"model": Overview, "description": "counts: applications, adults, persons"},
        **errors(403, 404, 422),
        **PROBLEMS,
    },
)
async def overview(
    request: Request,
    principal: OverviewReader,
    services: Services,
    municipality: MunicipalityCode = None,
    isd: Annotated[str | None, Query(description="ISD id, e.g. `isd-bollenstreek`")] = None,
) -> Response:
    if (municipality is None) == (isd is None):
        raise HTTPException(
            status.HTTP_422_UNPROCESSABLE_CONTENT,
            "geef precies één van de parameters municipality of isd",
        )
    runtime: ServiceRuntime = request.app.state.runtime
    async with runtime.database.transaction() as session:
        try:
            codes = await scope.overview_municipalities(
                session, principal, municipality=municipality, isd=isd
            )
        except scope.OutOfScopeError:
            codes = ()
    if not codes:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND)
    return await services.cases.forward(
        method="GET",
        path="/overview",
        principal=principal,
        correlation_id=correlation_id_of(request),
        params=[("municipality", code) for code in codes],
    )


@router.get(
    "/cases",
    tags=["cases"],
    summary="List cases, newest first, one page at a time",
    description=(
        "Other query parameters (filters) are passed to the cases service unchanged. "
        "Without `municipality`, all municipalities of the key's organisation are listed."
    ),
    response_model=None,
    responses={
        200: {"model": CasePage, "description": "one page of cases"},
        **errors(400, 403, 404, 422),
        **PROBLEMS,
    },
)
async def list_cases(
    request: Request,
    principal: Reader,
    services: Services,
    municipality: Annotated[
        list[str] | None, Query(description="CBS code(s); repeat for several")
    ] = None,
    limit: Annotated[int | None, Query(ge=1, description="page size")] = None,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
) -> Response:
    try:
        scope.check_municipalities(principal, municipality or [])
    except scope.OutOfScopeError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND) from None
    return await pass_on(request, services.cases, principal, path="/cases")


@router.get(
    "/cases/{case_id}",
    tags=["cases"],
    summary="One case",
    response_model=None,
    responses={
        200: {"model": CaseDetail, "description": "the case"},
        **errors(403, 404, 422),
        **PROBLEMS,
    },
)
async def get_case(
    request: Request, principal: Reader, services: Services, case_id: uuid.UUID
) -> Response:
    return await pass_on(request, services.cases, principal, path=f"/cases/{case_id}")


@router.get(
    "/quarantine",
    tags=["quarantine"],
    summary="Applications that could not be processed and wait for a person",
    description="For the roles `functioneel_beheerder` and `operator`.",
    response_model=None,
    responses={
        200: {"model": QuarantinePage, "description": "one page, newest first"},
        **errors(400, 403, 422),
        **PROBLEMS,
    },
)
async def list_quarantine(
    request: Request,
    principal: QuarantineManager,
    services: Services,
    limit: Annotated[int | None, Query(ge=1, description="page size")] = None,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
) -> Response:
    return await pass_on(request, services.intake, principal, path="/quarantine")


@router.post(
    "/quarantine/{quarantine_id}/reprocess",
    tags=["quarantine"],
    summary="Process a quarantined application again (e.g. after its municipality was added)",
    description="For the roles `functioneel_beheerder` and `operator`.",
    response_model=None,
    responses={
        200: {"model": ReprocessResult, "description": "what became of it this time"},
        **errors(403, 404, 409, 413, 422, e409="it was reprocessed or discarded already"),
        **PROBLEMS,
    },
)
async def reprocess_quarantined(
    request: Request,
    principal: QuarantineManager,
    services: Services,
    quarantine_id: Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{1,64}$")],
) -> Response:
    return await pass_on(
        request,
        services.intake,
        principal,
        method="POST",
        path=f"/quarantine/{quote(quarantine_id, safe='')}/reprocess",
        content=await read_body(request, limit=_settings(request).max_intake_body_bytes),
        headers=content_type(request),
    )


@router.post(
    "/intake/applications",
    tags=["intake"],
    summary="Submit an application (for sites that cannot publish to AMQP)",
    description=(
        "Not API-key authenticated: sign the raw body with HMAC-SHA256 and the shared secret "
        "and send `X-Signature: sha256=<hex>`. The body follows the GezondVerzekerd "
        "`application.submitted` v1 schema and is passed on byte for byte."
    ),
    response_model=None,
    dependencies=[Depends(public("the website signs the body (HMAC); intake checks it"))],
    openapi_extra={
        "parameters": [
            {
                "name": "X-Signature",
                "in": "header",
                "required": True,
                "schema": {"type": "string", "pattern": "^sha256=[0-9a-f]{64}$"},
                "description": "`sha256=` and the hex HMAC-SHA256 of the raw body",
            }
        ],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": application_request_schema()}},
        },
    },
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        202: {"model": IntakeResult, "description": "accepted, a correction, or a duplicate"},
        **errors(401, 413, 503, 504, e401="signature missing or wrong"),
        422: {
            "model": QuarantineResult,
            "description": "rejected, with the reason, and kept in quarantine for staff",
        },
    },
)
async def submit_application(request: Request, services: Services) -> Response:
    body = await read_body(request, limit=_settings(request).max_intake_body_bytes)
    headers = content_type(request)
    if "x-signature" in request.headers:
        headers["X-Signature"] = request.headers["x-signature"]
    return await pass_on(
        request,
        services.intake,
        WEBSITE,
        method="POST",
        path="/applications",
        query=False,
        content=body,
        headers=headers,
    )


def _settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings
