"""The documents service in the public API `/api/v1`: authenticate, then forward.

Uploads are streamed to the service as they arrive and downloads streamed back; the service
checks the role, the scope (404 outside it), the file and its checksum.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import httpx
from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.responses import JSONResponse, StreamingResponse

from contracts.api.common import Problem, Unprocessable
from gateway.documents.streaming import body_headers
from gateway.passthrough import BodyTooLargeError, content_type, limited, pass_on, read_body
from gateway.proxy import Services
from gateway.schemas import PROBLEMS, json_response
from gateway.security import require
from gateway.settings import settings_of
from servicekit.auth import Permission, Principal
from servicekit.http import correlation_id_of

router = APIRouter(prefix="/api/v1", tags=["documents"])

_DocumentsAdd = Annotated[Principal, Depends(require(Permission.DOCUMENTS_ADD))]
_DocumentsRead = Annotated[Principal, Depends(require(Permission.DOCUMENTS_READ))]
_UploadLinksManage = Annotated[Principal, Depends(require(Permission.UPLOAD_LINKS_MANAGE))]

DOCUMENT_EXAMPLE: dict[str, Any] = {
    "id": "3d5c8e2f-7b14-4c1d-9b9e-4f2a4e8b9a61",
    "case_id": "0f8e2a4c-9d6b-4c1e-8a53-2b7d9e4f1a60",
    "kind": "payslip",
    "source": "resident",
    "purpose": "information_request",
    "upload_link_id": "7c1d3b9e-4f2a-4e8b-9a61-3d5c8e2f7b14",
    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "size_bytes": 183214,
    "content_type": "application/pdf",
    "file_name": "loonstrook maart.pdf",
    "added_by": "resident",
    "created_at": "2026-12-01T09:12:44Z",
}
_NOT_FOUND = {"model": Problem, "description": "no such case or document within your organisation"}
_FORBIDDEN = {"model": Problem, "description": "your role does not allow this"}
_KINDS = [
    "payslip",
    "bank_statement",
    "benefit_statement",
    "pension_statement",
    "income_statement",
    "tax_assessment",
    "asset_statement",
    "letter",
    "other",
]
_UPLOAD_FORM = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "kind"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "kind": {"type": "string", "enum": _KINDS},
                        "purpose": {"type": "string"},
                        "idempotency_key": {"type": "string", "maxLength": 200},
                        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                    },
                }
            }
        },
    }
}
_LINK_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["purpose", "expires_at", "message"],
                    "additionalProperties": False,
                    "properties": {
                        "purpose": {
                            "type": "string",
                            "enum": [
                                "information_request",
                                "income_evidence",
                                "asset_evidence",
                                "evidence",
                            ],
                        },
                        "expires_at": {"type": "string", "format": "date-time"},
                        "message": {"type": "string", "minLength": 1, "maxLength": 2000},
                        "idempotency_key": {"type": "string", "maxLength": 200},
                    },
                },
                "example": {
                    "purpose": "information_request",
                    "expires_at": "2026-12-15T23:59:00+01:00",
                    "message": "Stuur uw loonstroken van september, oktober en november.",
                },
            }
        },
    }
}


def _streamed(request: Request, principal: Principal) -> dict[str, Any]:
    settings = settings_of(request)
    return {
        "principal": principal,
        "correlation_id": correlation_id_of(request),
        "read_timeout": httpx.Timeout(
            settings.documents_upload_timeout_seconds,
            connect=settings.downstream_connect_timeout_seconds,
        ),
    }


@router.get(
    "/cases/{case_id}/documents",
    summary="Every document of a case, with its source (inwoner, medewerker, systeem)",
    response_model=None,
    responses={
        200: json_response("the documents, oldest first", {"items": [DOCUMENT_EXAMPLE]}),
        403: _FORBIDDEN,
        404: _NOT_FOUND,
        **PROBLEMS,
    },
)
async def list_documents(
    request: Request, case_id: uuid.UUID, principal: _DocumentsRead, services: Services
) -> Response:
    return await pass_on(
        request, services.documents, principal, path=f"/cases/{case_id}/documents", query=False
    )


@router.post(
    "/cases/{case_id}/documents",
    summary="Store a document received by post (choose the kind)",
    description=(
        "A `multipart/form-data` body with `file` and `kind`. The type is detected from the "
        "content (PDF, JPEG, PNG, HEIC, DOCX); PDFs with scripts or attachments, Word files "
        "with macros, ZIPs, polyglots and image bombs are refused; images are stored "
        "re-encoded without metadata. The upload is streamed and refused (413) as soon as it "
        "passes the size limit. `idempotency_key`: the same key returns the first document."
    ),
    status_code=status.HTTP_201_CREATED,
    response_model=None,
    openapi_extra=_UPLOAD_FORM,
    responses={
        201: json_response("stored", DOCUMENT_EXAMPLE),
        200: json_response("stored before under this idempotency key", DOCUMENT_EXAMPLE),
        403: _FORBIDDEN,
        404: _NOT_FOUND,
        413: {"model": Problem, "description": "the file or the case's documents too large"},
        415: {"model": Problem, "description": "not an accepted type (detected from content)"},
        422: {
            "model": Unprocessable,
            "description": "unsafe or empty file, a virus, bad form field",
        },
        **PROBLEMS,
    },
)
async def upload_document(
    request: Request, case_id: uuid.UUID, principal: _DocumentsAdd, services: Services
) -> Response:
    limit = settings_of(request).documents_max_body_bytes
    declared = request.headers.get("content-length", "")
    too_large = JSONResponse(
        {"detail": f"de aanvraag is groter dan {limit // (1024 * 1024)} MB"}, status_code=413
    )
    if declared.isdigit() and int(declared) > limit:
        return too_large
    try:
        return await services.documents.relay(
            method="POST",
            path=f"/cases/{case_id}/documents",
            content=limited(request, limit),
            headers=body_headers(request),
            **_streamed(request, principal),
        )
    except BodyTooLargeError:
        return too_large


@router.get(
    "/documents/{document_id}",
    summary="A document's metadata",
    response_model=None,
    responses={
        200: json_response("the document", DOCUMENT_EXAMPLE),
        403: _FORBIDDEN,
        404: _NOT_FOUND,
        **PROBLEMS,
    },
)
async def get_document(
    request: Request, document_id: uuid.UUID, principal: _DocumentsRead, services: Services
) -> Response:
    return await pass_on(
        request, services.documents, principal, path=f"/documents/{document_id}", query=False
    )


@router.get(
    "/documents/{document_id}/content",
    summary="Download a document (streamed; in the access log)",
    description=(
        "The stored bytes with `Content-Disposition` and the stored checksum "
        "(`X-Content-SHA256`, `Repr-Digest`), verified before the first byte is sent: a "
        "corrupted object is refused with 502."
    ),
    response_class=StreamingResponse,
    responses={
        200: {"content": {"application/octet-stream": {}}},
        403: _FORBIDDEN,
        404: _NOT_FOUND,
        502: {"model": Problem, "description": "the stored object is corrupted; not handed out"},
        **PROBLEMS,
    },
)
async def download_document(
    request: Request, document_id: uuid.UUID, principal: _DocumentsRead, services: Services
) -> Response:
    return await services.documents.relay(
        method="GET",
        path=f"/documents/{document_id}/content",
        **_streamed(request, principal),
    )


@router.post(
    "/cases/{case_id}/upload-links",
    summary="A resident's personal upload link for the case (expires; stored only as a hash)",
    status_code=status.HTTP_201_CREATED,
    response_model=None,
    openapi_extra=_LINK_BODY,
    responses={
        201: json_response(
            "the link",
            {
                "id": "7c1d3b9e-4f2a-4e8b-9a61-3d5c8e2f7b14",
                "url": "https://backoffice.example/inwoner/upload/AbC...",
                "expires_at": "2026-12-15T22:59:00Z",
            },
        ),
        403: _FORBIDDEN,
        404: _NOT_FOUND,
        409: {"model": Problem, "description": "the case is decided, aborted or closed"},
        422: {"model": Unprocessable, "description": "expiry in the past or too far ahead"},
        **PROBLEMS,
    },
)
async def create_upload_link(
    request: Request, case_id: uuid.UUID, principal: _UploadLinksManage, services: Services
) -> Response:
    return await pass_on(
        request,
        services.documents,
        principal,
        method="POST",
        path=f"/cases/{case_id}/upload-links",
        query=False,
        content=await read_body(request, limit=16 * 1024),
        headers=content_type(request),
    )


@router.delete(
    "/upload-links/{link_id}",
    summary="Withdraw an upload link: the resident's page then says so and whom to contact",
    status_code=status.HTTP_204_NO_CONTENT,
    response_model=None,
    responses={403: _FORBIDDEN, 404: _NOT_FOUND, **PROBLEMS},
)
async def withdraw_upload_link(
    request: Request, link_id: uuid.UUID, principal: _UploadLinksManage, services: Services
) -> Response:
    return await pass_on(
        request,
        services.documents,
        principal,
        method="DELETE",
        path=f"/upload-links/{link_id}",
        query=False,
    )
