"""Public routes of reporting: the case list as CSV/XLSX (streamed through), the access log.

Included before `api.router`, so `/api/v1/cases/export.csv` is never taken for a case id.
Exports are passed on chunk by chunk as the cases service writes them: the gateway never
holds a whole file, and a long export gets a read timeout of its own.
"""

from __future__ import annotations

from typing import Annotated

import httpx
import structlog
from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from fastapi.responses import StreamingResponse

from contracts.api.cases import AuditPage
from contracts.api.common import errors
from gateway import scope
from gateway.passthrough import pass_on
from gateway.proxy import Services
from gateway.schemas import PROBLEMS
from gateway.security import require
from gateway.settings import settings_of
from servicekit.auth import Permission, Principal
from servicekit.http import correlation_id_of

log = structlog.get_logger(__name__)

router = APIRouter(prefix="/api/v1")

Auditor = Annotated[Principal, Depends(require(Permission.AUDIT_READ))]
Exporter = Annotated[Principal, Depends(require(Permission.CASES_EXPORT))]
_NOT_FOUND = "gemeente of ISD niet gevonden (of niet binnen uw organisatie)"
_STREAMED_HEADERS = ("content-type", "content-disposition", "cache-control", "retry-after")
_EXPORT_DESCRIPTION = (
    "The same filters as `GET /api/v1/cases` (no `limit`, no `cursor`), passed on unchanged. "
    "The applicant's BSN is included for the roles behandelaar, beslisser and "
    "functioneel_beheerder. Every export is recorded in the access log."
)
_EXPORT_RESPONSES: dict[int | str, dict[str, object]] = {
    **errors(403, 404, 422),
    **PROBLEMS,
}


async def _export(
    request: Request, principal: Principal, services: Services, municipality: list[str] | None
) -> Response:
    try:
        scope.check_municipalities(principal, municipality or [])
    except scope.OutOfScopeError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND) from None
    settings = settings_of(request)
    return await services.cases.relay(
        method="GET",
        path=request.url.path.removeprefix("/api/v1"),
        principal=principal,
        correlation_id=correlation_id_of(request),
        read_timeout=httpx.Timeout(
            settings.export_timeout_seconds, connect=settings.downstream_connect_timeout_seconds
        ),
        params=request.query_params.multi_items(),
        passed_back=_STREAMED_HEADERS,
    )


Municipalities = Annotated[list[str] | None, Query(description="CBS code(s); repeat for several")]


@router.get(
    "/cases/export.csv",
    tags=["cases"],
    summary="The filtered case list as CSV (`;`-separated, UTF-8 with BOM)",
    description=_EXPORT_DESCRIPTION,
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}, **_EXPORT_RESPONSES},
)
async def export_csv(
    request: Request,
    principal: Exporter,
    services: Services,
    municipality: Municipalities = None,
) -> Response:
    return await _export(request, principal, services, municipality)


@router.get(
    "/cases/export.xlsx",
    tags=["cases"],
    summary="The filtered case list as an Excel workbook",
    description=_EXPORT_DESCRIPTION,
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}}},
        **_EXPORT_RESPONSES,
    },
)
async def export_xlsx(
    request: Request,
    principal: Exporter,
    services: Services,
    municipality: Municipalities = None,
) -> Response:
    return await _export(request, principal, services, municipality)


@router.get(
    "/audit",
    tags=["audit"],
    summary="The access log (Logboek Dataverwerkingen) of your organisation, newest first",
    description=(
        "For the role `auditor`. Filters: `case_id`, `actor`, `bsn` (matched by its keyed "
        "hash; the log never holds a BSN in clear), `from`, `to` (days), `limit`, `cursor`."
    ),
    response_model=None,
    responses={
        200: {"model": AuditPage, "description": "entries, newest first"},
        **errors(400, 403, 422),
        **PROBLEMS,
    },
)
async def audit_log(request: Request, principal: Auditor, services: Services) -> Response:
    return await pass_on(request, services.cases, principal, path="/audit")
