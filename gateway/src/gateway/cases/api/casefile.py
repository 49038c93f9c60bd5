"""The public API `/api/v1`: authenticate, check scope, forward to the owning service."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status

from contracts.api.cases import CaseDetail, CasePage, Overview
from contracts.api.common import errors
from gateway import scope
from gateway.passthrough import pass_on
from gateway.proxy import Services
from gateway.schemas import PROBLEMS
from gateway.security import require
from servicekit.auth import Permission, Principal, system_principal
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
