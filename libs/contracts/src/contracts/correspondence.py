"""Events published by the correspondence service: letters, information requests, terms."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from contracts.base import Event

LetterKind = Literal[
    "acknowledgement",
    "data_invitation",
    "re_examination_invitation",
    "information_request",
    "reminder",
    "decision_granted",
    "decision_rejected",
    "not_processed",
]
"""Ontvangstbevestiging (Awb 4:3a), uitnodiging gegevens aanleveren, uitnodiging heronderzoek,
verzoek om informatie met hersteltermijn (Awb 4:5), herinnering, besluit toegekend, besluit
afgewezen, buiten behandeling."""
Channel = Literal["email", "post"]


class InformationRequested(Event):
    """Staff asked the resident for information with a term to complete (hersteltermijn)."""

    event_type: ClassVar[str] = "correspondence.information.requested"
    version: ClassVar[int] = 1

    request_id: uuid.UUID
    case_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    term_ends_on: date = Field(description="the last day of the term to complete")
    requested_by: str
    requested_at: AwareDatetime


class InformationReceived(Event):
    """What was asked arrived (a document or data) before the term ended: the term stops."""

    event_type: ClassVar[str] = "correspondence.information.received"
    version: ClassVar[int] = 1

    request_id: uuid.UUID
    case_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    received_at: AwareDatetime


class TermExpired(Event):
    """The term to complete passed without the information: the case is proposed *buiten
    behandeling*; a beslisser decides."""

    event_type: ClassVar[str] = "correspondence.term.expired"
    version: ClassVar[int] = 1

    request_id: uuid.UUID
    case_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    term_ended_on: date
    expired_at: AwareDatetime


class LetterSent(Event):
    """A letter or e-mail went out (handed to the SMTP server, or put in the print batch)."""

    event_type: ClassVar[str] = "correspondence.letter.sent"
    version: ClassVar[int] = 1

    letter_id: uuid.UUID
    case_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    kind: LetterKind
    channel: Channel
    template_version_id: uuid.UUID | None = None
    document_id: uuid.UUID | None = Field(None, description="the PDF in the documents service")
    campaign: str | None = None
    sent_at: AwareDatetime


class LetterFailed(Event):
    """A letter could not be sent after its retries; it is parked with the reason on the case."""

    event_type: ClassVar[str] = "correspondence.letter.failed"
    version: ClassVar[int] = 1

    letter_id: uuid.UUID
    case_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    kind: LetterKind
    channel: Channel
    reason: str = Field(max_length=500, description="why, without personal data")
    failed_at: AwareDatetime


class LetterQueued(Event):
    """A letter is ready to be rendered and sent: the work item of the correspondence replicas.

    Consumed only by the correspondence service itself (queue `correspondence.letters`, which
    KEDA scales on); carries no personal data, only which letter to pick up.
    """

    event_type: ClassVar[str] = "correspondence.letter.queued"
    version: ClassVar[int] = 1

    letter_id: uuid.UUID
    case_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    kind: LetterKind
    channel: Channel
    campaign: str | None = None


CORRESPONDENCE_EVENTS: tuple[type[Event], ...] = (
    InformationRequested,
    InformationReceived,
    TermExpired,
    LetterSent,
    LetterFailed,
    LetterQueued,
)
