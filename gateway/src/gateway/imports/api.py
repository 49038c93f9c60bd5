"""The re-examination import and the quarantine in the public API: forwarded to the intake
service.

The multipart upload is streamed to intake byte for byte, with its own content type, and cut
off with 413 at the import limit; intake checks the municipality against the caller's scope
(it is inside the form) and answers 404 outside it.
"""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse

from contracts.api.common import errors
from contracts.api.intake import ImportDetail, ImportSummary, QuarantinePage, ReprocessResult
from gateway.passthrough import content_type, pass_on, read_body, stream_on
from gateway.proxy import Services
from gateway.schemas import PROBLEMS
from gateway.security import require
from gateway.settings import settings_of
from servicekit.auth import Permission, Principal

router = APIRouter(prefix="/api/v1")
Importer = Annotated[Principal, Depends(require(Permission.IMPORTS_CREATE))]
QuarantineManager = Annotated[Principal, Depends(require(Permission.QUARANTINE_MANAGE))]
_NOT_FOUND = "no such import within your organisation"


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse(
        {"detail": f"het bestand is groter dan {limit // (1024 * 1024) or 1} MB"},
        status_code=status.HTTP_413_CONTENT_TOO_LARGE,
    )


@router.post(
    "/imports/re-examinations",
    tags=["re-examination import"],
    summary="Upload a re-examination file (XLSX or CSV) for one municipality and campaign",
    description=(
        "A `multipart/form-data` body with `file`, `municipality` (CBS code) and `campaign` "
        "(e.g. `Heronderzoek 2027`). The file is checked at once (415 not a spreadsheet, 422 "
        "empty, no rows or missing columns, 413 too large); its rows are then imported in the "
        "background: follow `GET /api/v1/imports/{import_id}` until `status` is `completed`."
    ),
    response_model=None,
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file", "municipality", "campaign"],
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "municipality": {"type": "string", "pattern": "^[0-9]{4}$"},
                            "campaign": {"type": "string"},
                        },
                    }
                }
            },
        }
    },
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        202: {"model": ImportSummary, "description": "accepted; processing"},
        **errors(
            403,
            404,
            413,
            415,
            422,
            e404="municipality not within your organisation",
            e415="not an XLSX or CSV file",
            e422="empty, no rows, missing columns, or bad form fields",
        ),
        **PROBLEMS,
    },
)
async def upload_re_examinations(
    request: Request, principal: Importer, services: Services
) -> Response:
    settings = settings_of(request)
    limit = settings.max_import_body_bytes
    return await stream_on(
        request,
        services.intake,
        principal,
        path="/imports/re-examinations",
        limit=limit,
        headers={"Content-Type": request.headers.get("content-type", "")},
        timeout_seconds=settings.import_upload_timeout_seconds,
        too_large=lambda: _too_large(limit),
    )


@router.get(
    "/imports/{import_id}",
    tags=["re-examination import"],
    summary="An import's status, counts and per-row report (paged; `outcome` filters)",
    response_model=None,
    responses={
        200: {"model": ImportDetail, "description": "the import and one page of its report"},
        **errors(400, 403, 404, 422, e404=_NOT_FOUND),
        **PROBLEMS,
    },
)
async def get_import(
    request: Request, principal: Importer, services: Services, import_id: uuid.UUID
) -> Response:
    return await pass_on(request, services.intake, principal, path=f"/imports/{import_id}")


@router.get(
    "/imports/{import_id}/report.csv",
    tags=["re-examination import"],
    summary="The per-row report as CSV (`;`, UTF-8 with BOM) for Excel",
    response_model=None,
    responses={
        200: {"content": {"text/csv": {}}, "description": "line;outcome;reason"},
        **errors(403, 404, 422, e404=_NOT_FOUND),
        **PROBLEMS,
    },
)
async def get_import_report(
    request: Request, principal: Importer, services: Services, import_id: uuid.UUID
) -> Response:
    path = f"/imports/{import_id}/report.csv"
    return await pass_on(request, services.intake, principal, path=path, query=False)


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
        content=await read_body(request, limit=settings_of(request).max_intake_body_bytes),
        headers=content_type(request),
    )
