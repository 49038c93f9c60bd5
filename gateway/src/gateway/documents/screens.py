"""Documents of a case: a staff upload of a document received by post, and the download.

The upload arrives as a form (the CSRF check reads it: Starlette spools the file to disk, a
megabyte at most in memory) and goes on to the documents service as a multipart stream read
from that spool in chunks, with the SHA-256 of what was sent, so that the service refuses a
file changed on the way. The service checks the file (type from the content, scripts, macros,
viruses, size) and answers a refusal in Dutch, shown next to the file field.

The download streams the documents service's answer through (`backend.stream`): every
download is in that service's access log.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData, UploadFile

from gateway.cases.screens.detail import detail_page
from gateway.settings import settings_of
from gateway.ui.backend import Answer, call, stream
from gateway.ui.labels import UPLOAD_KINDS
from gateway.ui.web import DocumentAdder, DocumentReader, PageNotFoundError, Staff, render

router = APIRouter(prefix="/ui", include_in_schema=False)

_CHUNK = 256 * 1024
_KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
_FIELD = re.compile(
    r"^(kind|file|sha256|idempotency_key|purpose)\s*:\s*(.+)$", re.DOTALL | re.IGNORECASE
)
_NOT_STORED = "Het document is niet opgeslagen."
_UNKNOWN_CASE = (
    "De documentenregistratie kent deze case nog niet (de aanvraag wordt nog verwerkt). "
    "Probeer het over een minuut opnieuw."
)
# What the UI adds itself: dropped from the service's answer so that no header comes twice.
_OWN_HEADERS = (
    "x-content-type-options",
    "x-frame-options",
    "referrer-policy",
    "permissions-policy",
)


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "").replace("\n", "")


async def _multipart(
    boundary: str, fields: dict[str, str], upload: UploadFile
) -> AsyncIterator[bytes]:
    """The form for the documents service, the file read in chunks (never whole in memory)
    and hashed on the way; its SHA-256 follows the file as the field `sha256`."""
    for name, value in fields.items():
        yield (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    filename = _quoted(upload.filename or "document")
    yield (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    digest = hashlib.sha256()
    await upload.seek(0)
    while chunk := await upload.read(_CHUNK):
        digest.update(chunk)
        yield chunk
    yield (
        f"\r\n--{boundary}\r\n"
        'Content-Disposition: form-data; name="sha256"\r\n\r\n'
        f"{digest.hexdigest()}\r\n--{boundary}--\r\n"
    ).encode()


def _refusal(answer: Answer) -> tuple[str, str]:
    """(field, Dutch sentence) of the service's refusal."""
    if answer.status == 404 and not answer.unavailable_feature:
        return "document_file", _UNKNOWN_CASE
    detail = answer.service_message
    found = _FIELD.match(detail) if detail else None
    if found and found.group(1).lower() == "kind":
        return "document_kind", "Kies wat voor document het is."
    if answer.status in (413, 415, 422) and detail:
        sentence = found.group(2) if found else detail
        return "document_file", sentence[:1].upper() + sentence[1:]
    return "", answer.message()


@router.post("/cases/{case_id}/documenten")
async def upload(request: Request, staff: DocumentAdder, case_id: uuid.UUID) -> Response:
    form = await request.form()
    try:
        return await _upload(request, staff, case_id, form)
    finally:
        await form.close()  # the spooled temporary file of the upload


async def _upload(request: Request, staff: Staff, case_id: uuid.UUID, form: FormData) -> Response:
    settings = settings_of(request)
    kind = str(form.get("kind") or "")
    file = form.get("file")
    key = str(form.get("idempotency_key") or "")
    values = {"document_kind": kind}
    errors: dict[str, str] = {}
    if kind not in UPLOAD_KINDS:
        errors["document_kind"] = "Kies wat voor document het is."
    if not isinstance(file, UploadFile) or not file.filename or not file.size:
        errors["document_file"] = "Kies een bestand dat niet leeg is."
    elif file.size > settings.documents_max_body_bytes:
        limit = settings.documents_max_body_bytes // (1024 * 1024)
        errors["document_file"] = f"Het bestand is groter dan {limit} MB."
    if errors or not isinstance(file, UploadFile):
        return await detail_page(
            request,
            staff,
            case_id,
            status_code=400,
            errors=errors,
            values=values,
            section_failures={"documenten": _NOT_STORED},
        )
    boundary = "ui-" + secrets.token_hex(16)
    fields = {"kind": kind}
    if _KEY.fullmatch(key):
        fields["idempotency_key"] = f"ui-{staff.principal.subject}-{key}"[:200]
    answer = await call(
        request,
        staff,
        "documents",
        "POST",
        f"/cases/{case_id}/documents",
        content=_multipart(boundary, fields, file),
        content_type=f"multipart/form-data; boundary={boundary}",
        timeout_seconds=settings.documents_upload_timeout_seconds,
    )
    if answer.ok:
        return RedirectResponse(f"/ui/cases/{case_id}?gedaan=document", status_code=303)
    where, sentence = _refusal(answer)
    status_code = answer.refusal_status
    return await detail_page(
        request,
        staff,
        case_id,
        status_code=409 if status_code == 404 else status_code,
        errors={where: sentence} if where else {},
        values=values,
        section_failures={"documenten": _NOT_STORED if where else f"{_NOT_STORED} {sentence}"},
    )


@router.get("/documenten/{document_id}")
async def download(request: Request, staff: DocumentReader, document_id: uuid.UUID) -> Response:
    response, failure = await stream(
        request, staff, "documents", f"/documents/{document_id}/content"
    )
    if failure is None:
        for name in _OWN_HEADERS:
            if name in response.headers:
                del response.headers[name]
        return response
    if failure.status in (404, 422) and not failure.unavailable_feature:
        raise PageNotFoundError
    message = failure.message()
    if failure.status == 502 and failure.service_message:
        message = failure.service_message
    return render(
        request,
        "message.html",
        staff=staff,
        status_code=failure.status if failure.status >= 400 else 502,
        title="Het document downloaden is niet gelukt",
        message=message,
    )
