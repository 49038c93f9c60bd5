"""The rules of documents: which bucket, what source, the limit per case, the event.

Takes a session, never commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from fastapi import HTTPException, status
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.documents import DocumentAdded, DocumentKind, DocumentSource
from documents.files import repository
from documents.files.models import Document
from documents.known_cases import repository as cases
from documents.safety.errors import RefusedFileError
from documents.safety.service import Checked
from documents.storage import repository as pending
from servicekit.auth import Principal
from servicekit.outbox import add_events

DOCUMENT_NOT_FOUND = "document niet gevonden (of niet binnen uw organisatie)"
RESIDENT = "resident"


@dataclass(frozen=True)
class Origin:
    """Who adds the documents, why, and through what."""

    source: DocumentSource
    added_by: str
    organisation: str
    kind: DocumentKind
    purpose: str | None = None
    upload_link_id: uuid.UUID | None = None
    idempotency_key: str | None = None


@dataclass(frozen=True)
class Placed:
    """A checked file and the object it was written to."""

    checked: Checked
    document_id: uuid.UUID
    bucket: str
    key: str


def source_of(principal: Principal) -> DocumentSource:
    return "system" if principal.role == "system" else "staff"


def staff_origin(
    principal: Principal,
    *,
    kind: DocumentKind,
    purpose: str | None,
    idempotency_key: str | None,
) -> Origin:
    return Origin(
        source=source_of(principal),
        added_by=principal.subject,
        organisation=principal.organisation,
        kind=kind,
        purpose=purpose,
        idempotency_key=idempotency_key,
    )


def case_full(limit: int) -> RefusedFileError:
    return RefusedFileError(
        f"Bij deze zaak zijn al zoveel bestanden dat er geen meer bij kunnen (samen ten hoogste "
        f"{limit // (1024 * 1024)} MB). Neem contact op met de gemeente.",
        status_code=413,
        reason="case_full",
    )


async def record_documents(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    municipality_code: str,
    placed: Sequence[Placed],
    origin: Origin,
    now: datetime,
    max_case_bytes: int,
    correlation_id: str,
) -> list[Document]:
    """Add the documents of objects already written, their events, and count their bytes
    against the case's limit (atomic: concurrent uploads cannot pass it together)."""
    total = sum(item.checked.size for item in placed)
    if not await cases.reserve_bytes(session, case_id=case_id, size=total, limit=max_case_bytes):
        raise case_full(max_case_bytes)
    added: list[Document] = []
    for item in placed:
        document = Document(
            id=item.document_id,
            case_id=case_id,
            municipality_code=municipality_code,
            kind=origin.kind,
            source=origin.source,
            purpose=origin.purpose,
            upload_link_id=origin.upload_link_id,
            bucket=item.bucket,
            object_key=item.key,
            sha256=item.checked.sha256,
            size_bytes=item.checked.size,
            received_sha256=item.checked.received_sha256,
            content_type=item.checked.content_type,
            file_name=item.checked.file_name,
            added_by=origin.added_by,
            organisation=origin.organisation,
            idempotency_key=origin.idempotency_key,
            created_at=now,
        )
        await repository.add(session, document)
        await pending.forget_pending(session, key=item.key)
        added.append(document)
    await add_events(
        session,
        [(_added_event(document), correlation_id, None) for document in added],
    )
    return added


def _added_event(document: Document) -> DocumentAdded:
    return DocumentAdded(
        document_id=document.id,
        case_id=document.case_id,
        municipality_code=document.municipality_code,
        kind=document.kind,
        source=document.source,
        purpose=document.purpose,
        upload_link_id=document.upload_link_id,
        content_type=document.content_type,
        size_bytes=document.size_bytes,
        added_by=document.added_by,
        added_at=document.created_at,
    )


async def visible_document(
    *, session: AsyncSession, principal: Principal, document_id: uuid.UUID
) -> Document:
    document = await repository.get(session, document_id)
    if document is None or not principal.may_see(document.municipality_code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, DOCUMENT_NOT_FOUND)
    return document
