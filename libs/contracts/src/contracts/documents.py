"""Events published by the documents service (uploaded and generated files)."""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from contracts.base import Event

DocumentKind = Literal[
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
"""What a document is (loonstrook, bankafschrift, uitkeringsspecificatie, pensioenspecificatie,
inkomensverklaring, aanslag, vermogensoverzicht, brief, overig)."""

DocumentSource = Literal["resident", "staff", "system"]
"""Who added it: the resident through the upload portal, a staff member (e.g. received by
post), or a service (a generated letter, an Ockto source document)."""


class DocumentAdded(Event):
    """A document was stored for a case and its checksum recorded."""

    event_type: ClassVar[str] = "documents.document.added"
    version: ClassVar[int] = 1

    document_id: uuid.UUID
    case_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    kind: DocumentKind
    source: DocumentSource
    purpose: str | None = Field(
        None, description="why it was asked or made, e.g. `information_request`, `letter`"
    )
    upload_link_id: uuid.UUID | None = Field(
        None, description="the resident's upload link it came through, if any"
    )
    content_type: str
    size_bytes: int = Field(ge=1)
    added_by: str = Field(description="staff subject id, `resident`, or `service:<name>`")
    added_at: AwareDatetime


class DocumentDeleted(Event):
    """A document was removed: its retention period passed, or staff withdrew it."""

    event_type: ClassVar[str] = "documents.document.deleted"
    version: ClassVar[int] = 1

    document_id: uuid.UUID
    case_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    reason: Literal["retention", "withdrawn"]
    deleted_at: AwareDatetime


DOCUMENTS_EVENTS: tuple[type[Event], ...] = (DocumentAdded, DocumentDeleted)
