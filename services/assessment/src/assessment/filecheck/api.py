"""HTTP API of the file check: upload (multipart `file`), the current list's report, as CSV."""

from __future__ import annotations

import csv
import io
import re
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request, Response, status
from starlette.datastructures import UploadFile

from assessment.access import MUNICIPALITY_NOT_FOUND, FileChecker, in_scope
from assessment.deps import parts
from assessment.filecheck import reader, repository, service
from assessment.filecheck.schemas import FileCheckDetail, FileCheckOut, ReportRow
from servicekit.http import DbSession
from servicekit.tenants import get_tenant

router = APIRouter(tags=["file check"])
Code = Annotated[str, Path(pattern=r"^[0-9]{4}$")]
_LABELS = {"valid": "op de lijst", "rejected": "afgekeurd", "duplicate": "dubbel"}
_UPLOAD_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "CSV or XLSX of BSNs",
                        }
                    },
                }
            }
        },
    }
}


async def _known(session: DbSession, principal: FileChecker, code: str) -> None:
    in_scope(principal, code, what=MUNICIPALITY_NOT_FOUND)
    if await get_tenant(session, code) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, MUNICIPALITY_NOT_FOUND)


@router.post(
    "/municipalities/{code}/file-check",
    status_code=status.HTTP_201_CREATED,
    response_model=FileCheckDetail,
    openapi_extra=_UPLOAD_FORM,
    responses={
        413: {"description": "too large"},
        415: {"description": "not CSV or XLSX"},
        422: {"description": "empty"},
    },
    summary="Upload the file check (BSNs of residents known to qualify); replaces the previous list",
)
async def upload(
    request: Request, code: Code, session: DbSession, principal: FileChecker
) -> FileCheckDetail:
    found = parts(request)
    await _known(session, principal, code)
    limit = found.settings.file_check_max_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE, f"het bestand is groter dan {limit // 1048576} MB"
        )
    form = await request.form(max_files=1, max_fields=5)
    try:
        file = form.get("file")
        if not isinstance(file, UploadFile):
            raise HTTPException(
                status.HTTP_422_UNPROCESSABLE_CONTENT, "het bestand ontbreekt (formulierveld file)"
            )
        content = await file.read(limit + 1)
        filename = re.sub(r"[\x00-\x1f]", "", (file.filename or "bestandscheck"))[:255]
    finally:
        await form.close()
    if len(content) > limit:
        raise HTTPException(
            status.HTTP_413_CONTENT_TOO_LARGE, f"het bestand is groter dan {limit // 1048576} MB"
        )
    try:
        check = await service.upload(
            session,
            code=code,
            content=content,
            filename=filename,
            secret=found.settings.bsn_hash_secret,
            uploaded_by=principal.subject,
            at=found.now(),
        )
    except reader.FileCheckFileError as error:
        raise HTTPException(error.status_code, error.message) from None
    rows = await repository.report(session, check.id)
    return FileCheckDetail(
        **FileCheckOut.of(check).model_dump(), rows=[ReportRow.of(r) for r in rows]
    )


@router.get(
    "/municipalities/{code}/file-check",
    response_model=FileCheckDetail,
    summary="The current file check with its report",
)
async def current(code: Code, session: DbSession, principal: FileChecker) -> FileCheckDetail:
    await _known(session, principal, code)
    check = await repository.current(session, code)
    if check is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "geen bestandscheck voor deze gemeente")
    rows = await repository.report(session, check.id)
    return FileCheckDetail(
        **FileCheckOut.of(check).model_dump(), rows=[ReportRow.of(r) for r in rows]
    )


@router.get(
    "/municipalities/{code}/file-check/report.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
    summary="The current file check's report as CSV (`;`, UTF-8 with BOM)",
)
async def report_csv(code: Code, session: DbSession, principal: FileChecker) -> Response:
    await _known(session, principal, code)
    check = await repository.current(session, code)
    if check is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "geen bestandscheck voor deze gemeente")
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(("regel", "uitkomst", "reden"))
    for row in await repository.report(session, check.id):
        writer.writerow((row.line, _LABELS[row.outcome], row.reason or ""))
    return Response(
        ("\ufeff" + buffer.getvalue()).encode(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="bestandscheck-{code}.csv"'},
    )
