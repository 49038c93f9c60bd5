"""HTTP models of documents."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from contracts.documents import DocumentKind, DocumentSource
from documents.files.models import Document

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


class DocumentOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [DOCUMENT_EXAMPLE]})

    id: uuid.UUID
    case_id: uuid.UUID
    kind: DocumentKind
    source: DocumentSource = Field(description="resident (inwoner), staff (medewerker), system")
    purpose: str | None
    upload_link_id: uuid.UUID | None
    sha256: str = Field(description="SHA-256 (hex) of the stored bytes, checked on every read")
    size_bytes: int
    content_type: str = Field(description="detected from the content, not from the name")
    file_name: str = Field(description="the original name, cleaned (no path, NFC, capped)")
    added_by: str = Field(description="staff subject id, `resident`, or `service:<name>`")
    created_at: datetime

    @classmethod
    def of(cls, document: Document) -> DocumentOut:
        return cls.model_validate(document, from_attributes=True)


class DocumentList(BaseModel):
    items: list[DocumentOut] = Field(description="every document of the case, oldest first")


UPLOAD_FORM: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "kind"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "PDF, JPEG, PNG, HEIC or DOCX (detected from the "
                            "content); images are stored re-encoded without metadata",
                        },
                        "kind": {
                            "type": "string",
                            "enum": list(DocumentKind.__args__),  # type: ignore[attr-defined]
                        },
                        "purpose": {"type": "string", "pattern": "^[a-z][a-z0-9_]{2,63}$"},
                        "idempotency_key": {
                            "type": "string",
                            "maxLength": 200,
                            "description": "the same key twice returns the first document "
                            "(200), no second object",
                        },
                        "sha256": {
                            "type": "string",
                            "pattern": "^[0-9a-f]{64}$",
                            "description": "optional: SHA-256 of the bytes sent; refused "
                            "(422 checksum_mismatch) when what arrived differs",
                        },
                    },
                }
            }
        },
    }
}
