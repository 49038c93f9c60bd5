"""HTTP API of documents: upload, list per case, metadata, verified download."""

from __future__ import annotations

import base64
import re
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import get_args

import structlog
from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import FileResponse, JSONResponse
from starlette.background import BackgroundTask

from contracts.documents import DocumentKind
from documents import audit
from documents.access import Reader, Uploader
from documents.deps import runtime_of, settings_of, spool_folder, storing_of
from documents.files import repository, service
from documents.files.receiving import receive_form
from documents.files.schemas import UPLOAD_FORM, DocumentList, DocumentOut
from documents.known_cases.service import visible_case
from documents.safety.errors import RefusedFileError
from documents.schemas import COMMON, STORAGE, FileProblem, problem
from documents.storage.objects import CorruptObjectError
from servicekit.http import DbSession, correlation_id_of

log = structlog.get_logger(__name__)
router = APIRouter(tags=["documents"])

_KINDS = frozenset(get_args(DocumentKind))
_PURPOSE = re.compile(r"^[a-z][a-z0-9_]{2,63}$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
CORRUPTED = (
    "Het opgeslagen bestand is beschadigd: de controlesom klopt niet. Het is niet verstrekt; "
    "meld dit aan de beheerder."
)


def _field_error(message: str) -> HTTPException:
    return HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, message)


@router.post(
    "/cases/{case_id}/documents",
    status_code=status.HTTP_201_CREATED,
    response_model=DocumentOut,
    openapi_extra=UPLOAD_FORM,
    responses={
        200: {"model": DocumentOut, "description": "the idempotency key was used before"},
        400: problem("the form was not received completely"),
        413: problem("the file (or the case's documents together) too large", FileProblem),
        415: problem("not an accepted type, a polyglot, or a name of another type", FileProblem),
        422: problem("empty, unsafe content, a virus, bad form fields", FileProblem),
        **COMMON,
        **STORAGE,
    },
    summary="Store a document for a case (staff: source staff; a service: source system)",
)
async def upload_document(
    request: Request, case_id: uuid.UUID, principal: Uploader
) -> JSONResponse:
    settings = settings_of(request)
    storing = storing_of(request)
    async with runtime_of(request).database.transaction() as session:
        case = await visible_case(session=session, principal=principal, case_id=case_id)
        municipality = case.municipality_code
    with spool_folder(settings) as folder:
        form = await receive_form(
            request,
            folder=folder,
            file_fields=frozenset({"file"}),
            max_file_bytes=settings.max_file_bytes,
            max_files=1,
        )
        kind = form.fields.get("kind", "")
        if kind not in _KINDS:
            raise _field_error(f"kind: kies een van {', '.join(sorted(_KINDS))}")
        purpose = form.fields.get("purpose") or None
        if purpose is not None and not _PURPOSE.match(purpose):
            raise _field_error("purpose: kleine letters, cijfers en _, 3 tot 64 tekens")
        key = form.fields.get("idempotency_key") or None
        if key is not None and (len(key) > 200 or not key.isprintable()):
            raise _field_error("idempotency_key: ten hoogste 200 leesbare tekens")
        expected = form.fields.get("sha256") or None
        if expected is not None and not _SHA256.match(expected):
            raise _field_error("sha256: 64 hexadecimale tekens (kleine letters)")
        if not form.files:
            raise _field_error("het bestand ontbreekt (formulierveld file)")
        received = form.files[0]
        if expected is not None and expected != received.sha256:
            raise RefusedFileError(
                "De controlesom van het ontvangen bestand is niet de opgegeven controlesom; "
                "het bestand is onderweg veranderd. Stuur het opnieuw.",
                reason="checksum_mismatch",
            )
        if key is not None:
            earlier = await storing.earlier(case_id=case_id, idempotency_key=key)
            if earlier is not None:
                return JSONResponse(DocumentOut.of(earlier).model_dump(mode="json"), 200)
        stored = await storing.store(
            case_id=case_id,
            municipality_code=municipality,
            files=[received],
            origin=service.staff_origin(principal, kind=kind, purpose=purpose, idempotency_key=key),  # type: ignore[arg-type]
            correlation_id=correlation_id_of(request),
        )
    body = DocumentOut.of(stored.documents[0]).model_dump(mode="json")
    return JSONResponse(body, status_code=201 if stored.created else 200)


@router.get(
    "/cases/{case_id}/documents",
    response_model=DocumentList,
    responses=COMMON,
    summary="Every document of a case with its source (the listing is in the access log)",
)
async def list_documents(
    request: Request, case_id: uuid.UUID, principal: Reader, session: DbSession
) -> DocumentList:
    case = await visible_case(session=session, principal=principal, case_id=case_id)
    documents = await repository.of_case(session, case.id)
    await audit.record(
        session,
        principal=principal,
        trace_id=correlation_id_of(request),
        action=audit.DOCUMENTS_LISTED,
        municipality_code=case.municipality_code,
        case_id=case.id,
        at=runtime_of(request).clock.now(),
        row_count=len(documents),
    )
    return DocumentList(items=[DocumentOut.of(document) for document in documents])


@router.get(
    "/documents/{document_id}",
    response_model=DocumentOut,
    responses=COMMON,
    summary="A document's metadata",
)
async def get_document(
    request: Request, document_id: uuid.UUID, principal: Reader, session: DbSession
) -> DocumentOut:
    document = await service.visible_document(
        session=session, principal=principal, document_id=document_id
    )
    await audit.record(
        session,
        principal=principal,
        trace_id=correlation_id_of(request),
        action=audit.DOCUMENT_VIEWED,
        municipality_code=document.municipality_code,
        case_id=document.case_id,
        document_id=document.id,
        at=runtime_of(request).clock.now(),
    )
    return DocumentOut.of(document)


@router.get(
    "/documents/{document_id}/content",
    response_class=FileResponse,
    responses={
        200: {
            "description": "the stored bytes; `X-Content-SHA256` and `Repr-Digest` carry the "
            "stored checksum, verified before the first byte is sent",
            "content": {"application/octet-stream": {}},
        },
        502: problem(CORRUPTED),
        **COMMON,
        **STORAGE,
    },
    summary="Download a document (streamed; every download is in the access log)",
)
async def download_document(
    request: Request, document_id: uuid.UUID, principal: Reader
) -> FileResponse:
    runtime = runtime_of(request)
    async with runtime.database.transaction() as session:
        document = await service.visible_document(
            session=session, principal=principal, document_id=document_id
        )
    folder = Path(tempfile.mkdtemp(prefix="documents-read-", dir=settings_of(request).spool_dir))
    target = folder / "object"
    try:
        await storing_of(request).objects.fetch_verified(
            bucket=document.bucket,
            key=document.object_key,
            sha256=document.sha256,
            size=document.size_bytes,
            target=target,
        )
        async with runtime.database.transaction() as session:
            await audit.record(
                session,
                principal=principal,
                trace_id=correlation_id_of(request),
                action=audit.DOCUMENT_DOWNLOADED,
                municipality_code=document.municipality_code,
                case_id=document.case_id,
                document_id=document.id,
                at=runtime.clock.now(),
            )
    except CorruptObjectError:
        shutil.rmtree(folder, ignore_errors=True)
        log.error(
            "documents.document.corrupted", document_id=str(document.id), bucket=document.bucket
        )
        raise HTTPException(status.HTTP_502_BAD_GATEWAY, CORRUPTED) from None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    digest = base64.b64encode(bytes.fromhex(document.sha256)).decode()
    return FileResponse(
        target,
        media_type=document.content_type,
        filename=document.file_name,
        headers={
            "X-Content-SHA256": document.sha256,
            "Repr-Digest": f"sha-256=:{digest}:",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "sandbox; default-src 'none'",
        },
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )
