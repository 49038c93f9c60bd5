"""HTTP API of the re-examination import: upload, status with the report, the report as CSV."""

from __future__ import annotations

import asyncio
import re
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status
from fastapi.responses import StreamingResponse

from contracts.api.common import errors
from contracts.licences import Feature
from intake import cursors
from intake.imports import reader, report, repository, service
from intake.imports.models import ReExaminationImport
from intake.imports.schemas import (
    ImportDetail,
    ImportList,
    ImportListItem,
    ImportSummary,
    Outcome,
    ReportRow,
)
from intake.imports.upload import receive_upload
from intake.imports.worker import ImportWorker
from intake.settings import IntakeSettings
from servicekit.auth import Permission, Principal, require
from servicekit.http import correlation_id_of
from servicekit.runtime import ServiceRuntime
from servicekit.tenants import LicenceRefusedError, get_tenant

router = APIRouter(tags=["re-examination import"])
Importer = Annotated[Principal, Depends(require(Permission.IMPORTS_CREATE))]
NOT_FOUND = "import niet gevonden (of niet binnen uw organisatie)"
MUNICIPALITY_NOT_FOUND = "gemeente niet gevonden (of niet binnen uw organisatie)"
_MUNICIPALITY = re.compile(r"^[0-9]{4}$")
_CAMPAIGN = re.compile(r"^[^\x00-\x1f=+\-@][^\x00-\x1f]{2,99}$")
_UPLOAD_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "municipality", "campaign"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "XLSX (first sheet) or CSV (UTF-8, `;` or `,`)",
                        },
                        "municipality": {"type": "string", "pattern": "^[0-9]{4}$"},
                        "campaign": {"type": "string", "example": "Heronderzoek 2027"},
                    },
                }
            }
        },
    }
}


def _settings(request: Request) -> IntakeSettings:
    settings: IntakeSettings = request.app.state.settings
    return settings


def _runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


def _unprocessable(message: str) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, message)


@router.post(
    "/imports/re-examinations",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=ImportSummary,
    openapi_extra=_UPLOAD_FORM,
    responses=errors(
        401,
        403,
        404,
        413,
        415,
        422,
        e403="the role may not import, or the municipality's licence does not include "
        "re-examinations (the Dutch message names the licence)",
        e404=MUNICIPALITY_NOT_FOUND,
        e415="not a CSV or XLSX file (e.g. a PDF renamed .xlsx)",
        e422="empty, no rows, missing columns, bad form fields",
    ),
    summary="Upload a re-examination file; rows are processed in the background, resumably",
)
async def upload_re_examinations(request: Request, principal: Importer) -> ImportSummary:
    settings = _settings(request)
    with tempfile.TemporaryDirectory(prefix="intake-upload-") as folder:
        upload = await receive_upload(request, limit=settings.import_max_bytes, folder=Path(folder))
        municipality = upload.fields.get("municipality", "").strip()
        campaign = " ".join(upload.fields.get("campaign", "").split())
        if not _MUNICIPALITY.match(municipality):
            raise _unprocessable("municipality: geef de CBS-code van vier cijfers, bijv. 0363")
        if not _CAMPAIGN.match(campaign):
            raise _unprocessable("campaign: 3 tot 100 tekens, bijv. 'Heronderzoek 2027'")
        if not principal.may_see(municipality):
            raise HTTPException(status.HTTP_404_NOT_FOUND, MUNICIPALITY_NOT_FOUND)
        try:
            inspection = await asyncio.to_thread(reader.inspect, upload.path)
        except reader.ImportFileError as error:
            raise HTTPException(error.status_code, error.message) from None
        async with _runtime(request).database.transaction() as session:
            if not await repository.is_known_municipality(session, municipality):
                raise HTTPException(status.HTTP_404_NOT_FOUND, MUNICIPALITY_NOT_FOUND)
            # No copy of the licence yet: the default licence, which includes re-examinations.
            tenant = await get_tenant(session, municipality)
            if tenant is not None and not tenant.has(Feature.RE_EXAMINATIONS):
                raise LicenceRefusedError(tenant, Feature.RE_EXAMINATIONS)
            job = await service.register_import(
                session,
                path=upload.path,
                file_type=inspection.file_type,
                filename=upload.filename,
                sha256=upload.sha256,
                size=upload.size,
                municipality_code=municipality,
                campaign=campaign,
                principal=principal,
                correlation_id=correlation_id_of(request),
            )
    worker: ImportWorker = request.app.state.import_worker
    worker.wake()
    return ImportSummary.model_validate(job, from_attributes=True)


@router.get(
    "/imports",
    response_model=ImportList,
    responses=errors(401, 403, 422),
    summary="The newest imports of the caller's municipalities, with who uploaded each",
)
async def list_imports(
    request: Request,
    principal: Importer,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> ImportList:
    scope = None if principal.all_municipalities else principal.municipalities
    async with _runtime(request).database.transaction() as session:
        jobs = await repository.recent_imports(session, municipalities=scope, limit=limit)
    return ImportList(
        items=[ImportListItem.model_validate(job, from_attributes=True) for job in jobs]
    )


async def _visible_import(
    request: Request, import_id: uuid.UUID, principal: Principal
) -> ReExaminationImport:
    async with _runtime(request).database.transaction() as session:
        job = await repository.get_import(session, import_id)
    if job is None or not principal.may_see(job.municipality_code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, NOT_FOUND)
    return job


@router.get(
    "/imports/{import_id}",
    response_model=ImportDetail,
    responses=errors(400, 401, 403, 404, 422, e404=NOT_FOUND),
    summary="An import's status and counts, with one page of its per-row report",
)
async def get_import(
    request: Request,
    import_id: uuid.UUID,
    principal: Importer,
    outcome: Outcome | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    cursor: str | None = None,
) -> ImportDetail:
    job = await _visible_import(request, import_id, principal)
    secret = _settings(request).internal_token_secret
    after = (
        cursors.report_after(cursor, import_id=job.id, outcome=outcome, secret=secret)
        if cursor
        else 0
    )
    async with _runtime(request).database.transaction() as session:
        rows = await repository.report_rows(
            session, import_id=job.id, outcome=outcome, after_line=after, limit=limit + 1
        )
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = cursors.report_cursor(
            rows[-1].line, import_id=job.id, outcome=outcome, secret=secret
        )
    return ImportDetail(
        **ImportSummary.model_validate(job, from_attributes=True).model_dump(),
        rows=[ReportRow.model_validate(row, from_attributes=True) for row in rows],
        next_cursor=next_cursor,
    )


@router.get(
    "/imports/{import_id}/report.csv",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {}}, "description": "line;outcome;reason, UTF-8 with BOM"},
        **errors(401, 403, 404, 422, e404=NOT_FOUND),
    },
    summary="The per-row report as a CSV file for Excel",
)
async def get_report_csv(
    request: Request, import_id: uuid.UUID, principal: Importer
) -> StreamingResponse:
    job = await _visible_import(request, import_id, principal)
    database = _runtime(request).database

    async def pages() -> AsyncIterator[list[ReportRow]]:
        after = 0
        while True:
            async with database.sessions() as session:
                rows = await repository.report_rows(
                    session, import_id=job.id, after_line=after, limit=report.PAGE_SIZE
                )
            if not rows:
                return
            yield [ReportRow.model_validate(row, from_attributes=True) for row in rows]
            after = rows[-1].line

    return StreamingResponse(
        report.render(pages()),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{report.filename(job)}"'},
    )
