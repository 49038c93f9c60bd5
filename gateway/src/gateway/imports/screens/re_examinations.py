"""Heronderzoek importeren: upload a spreadsheet, then follow its status and per-row report.

The upload goes to the intake service as a multipart stream built from the parsed form (the
CSRF check has read the form already), the file in chunks; intake checks the file, the
municipality against the user's scope, and imports the rows in the background.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData, UploadFile

from gateway.imports.screens.example_file import COLUMNS, example_csv, example_xlsx
from gateway.settings import settings_of
from gateway.ui.backend import Answer, call
from gateway.ui.web import (
    ImportStaff,
    PageNotFoundError,
    Staff,
    municipalities_of,
    render,
)

router = APIRouter(prefix="/ui/heronderzoek", include_in_schema=False)
REPORT_PAGE = 200
_CAMPAIGN = re.compile(r"^[^\x00-\x1f=+\-@][^\x00-\x1f]{2,99}$")
_CHUNK = 256 * 1024
_OUTCOMES = ("imported", "rejected", "duplicate")


async def _form_page(
    request: Request,
    staff: Staff,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    failure: str = "",
) -> Response:
    earlier = await call(request, staff, "intake", "GET", "/imports", params=[("limit", "20")])
    imports = earlier.data.get("items") if isinstance(earlier.data, dict) else None
    return render(
        request,
        "import_upload.html",
        staff=staff,
        status_code=status_code,
        active="heronderzoek",
        municipalities=await municipalities_of(request, staff),
        errors=errors or {},
        values=values or {},
        failure=failure,
        columns=COLUMNS,
        imports=imports if earlier.ok and isinstance(imports, list) else [],
        imports_error="" if earlier.ok else earlier.message(),
    )


@router.get("")
async def upload_form(request: Request, staff: ImportStaff) -> Response:
    return await _form_page(request, staff)


@router.get("/voorbeeld.csv")
async def example_csv_file(staff: ImportStaff) -> Response:
    """The columns as a CSV file to fill in (`;`, UTF-8 with BOM, as Excel opens it)."""
    return Response(
        example_csv(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="heronderzoek-voorbeeld.csv"'},
    )


@router.get("/voorbeeld.xlsx")
async def example_xlsx_file(staff: ImportStaff) -> Response:
    """The columns as an Excel workbook to fill in (dates and numbers as text columns)."""
    return Response(
        example_xlsx(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": 'attachment; filename="heronderzoek-voorbeeld.xlsx"'},
    )


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "").replace("\n", "")


async def _multipart(
    boundary: str, fields: dict[str, str], upload: UploadFile
) -> AsyncIterator[bytes]:
    """The form as multipart/form-data, the file read in chunks (never whole in memory)."""
    for name, value in fields.items():
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    filename = _quoted(upload.filename or "upload")
    yield (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    await upload.seek(0)
    while chunk := await upload.read(_CHUNK):
        yield chunk
    yield f"\r\n--{boundary}--\r\n".encode()


def _file_problem(answer: Answer) -> str:
    """Intake's reason (Dutch) why the file cannot be imported, as a sentence."""
    detail = answer.service_message
    if answer.status in (413, 415) or (answer.status == 422 and detail):
        return f"Dit bestand kan niet worden geïmporteerd: {detail or answer.message()}."
    return ""


@router.post("")
async def upload(request: Request, staff: ImportStaff) -> Response:
    form = await request.form()
    try:
        return await _upload(request, staff, form)
    finally:
        await form.close()  # the spooled temporary file of the upload


async def _upload(request: Request, staff: Staff, form: FormData) -> Response:
    settings = settings_of(request)
    file = form.get("file")
    municipality = str(form.get("municipality") or "").strip()
    campaign = " ".join(str(form.get("campaign") or "").split())
    values = {"municipality": municipality, "campaign": campaign}
    choices = dict(await municipalities_of(request, staff))
    errors: dict[str, str] = {}
    if municipality not in choices:
        errors["municipality"] = "Kies de gemeente waarvoor u importeert."
    if not _CAMPAIGN.fullmatch(campaign):
        errors["campaign"] = (
            "Geef de campagne een naam van 3 tot 100 tekens, bijvoorbeeld Heronderzoek 2027 "
            "(niet beginnend met =, +, - of @)."
        )
    if not isinstance(file, UploadFile) or not file.filename or not file.size:
        errors["file"] = "Kies een bestand (Excel .xlsx of CSV) dat niet leeg is."
    elif file.size > settings.max_import_body_bytes:
        limit = settings.max_import_body_bytes // (1024 * 1024)
        errors["file"] = f"Het bestand is groter dan {limit} MB. Splits het bestand."
    if errors or not isinstance(file, UploadFile):
        return await _form_page(request, staff, status_code=400, errors=errors, values=values)
    boundary = "ui-" + secrets.token_hex(16)
    answer = await call(
        request,
        staff,
        "intake",
        "POST",
        "/imports/re-examinations",
        content=_multipart(boundary, values, file),
        content_type=f"multipart/form-data; boundary={boundary}",
        timeout_seconds=settings.import_upload_timeout_seconds,
    )
    import_id = answer.data.get("import_id") if isinstance(answer.data, dict) else None
    if answer.ok and isinstance(import_id, str):
        return RedirectResponse(f"/ui/heronderzoek/{import_id}", status_code=303)
    problem = _file_problem(answer)
    if answer.status == 404 and not answer.unavailable_feature:
        errors["municipality"] = "Deze gemeente valt niet binnen uw organisatie."
    elif problem:
        errors["file"] = problem
    return await _form_page(
        request,
        staff,
        status_code=answer.refusal_status,
        errors=errors,
        values=values,
        failure="" if errors else answer.message(),
    )


async def _import(
    request: Request, staff: Staff, import_id: uuid.UUID, params: list[tuple[str, str]]
) -> tuple[dict[str, Any] | None, str]:
    answer = await call(request, staff, "intake", "GET", f"/imports/{import_id}", params=params)
    if answer.status in (404, 422) and not answer.unavailable_feature:
        raise PageNotFoundError
    if answer.ok and isinstance(answer.data, dict) and "status" in answer.data:
        return answer.data, ""
    return None, answer.message()


@router.get("/{import_id}")
async def import_status(
    request: Request,
    staff: ImportStaff,
    import_id: uuid.UUID,
    uitkomst: Annotated[str | None, Query(max_length=20)] = None,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
) -> Response:
    outcome = uitkomst if uitkomst in _OUTCOMES else None
    params = [("limit", str(REPORT_PAGE))]
    params += [("outcome", outcome)] if outcome else []
    params += [("cursor", cursor)] if cursor else []
    job, error = await _import(request, staff, import_id, params)
    next_cursor = job.get("next_cursor") if job else None
    fragment = request.headers.get("HX-Request") == "true" and request.headers.get("HX-Target") == (
        "import-status"
    )
    return render(
        request,
        "_import_status.html" if fragment else "import_status.html",
        staff=staff,
        active="heronderzoek",
        import_id=str(import_id),
        job=job,
        error=error,
        outcome=outcome or "",
        outcomes=_OUTCOMES,
        next_query=urlencode(
            [*([("uitkomst", outcome)] if outcome else []), ("cursor", next_cursor)]
        )
        if next_cursor
        else "",
        first_page=cursor is None,
    )


@router.get("/{import_id}/rapport.csv")
async def report_csv(request: Request, staff: ImportStaff, import_id: uuid.UUID) -> Response:
    answer = await call(request, staff, "intake", "GET", f"/imports/{import_id}/report.csv")
    if answer.status in (404, 422) and not answer.unavailable_feature:
        raise PageNotFoundError
    if not answer.ok:
        return render(
            request,
            "message.html",
            staff=staff,
            status_code=answer.refusal_status,
            title="Het rapport downloaden is niet gelukt",
            message=answer.message(),
        )
    return answer.download(
        media_type="text/csv; charset=utf-8", filename=f"rapport-{import_id}.csv"
    )
