"""HTTP models of a case's correspondence and the decision letter."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from contracts.vocabulary import CHANNEL_LABEL, LETTER_KIND_LABEL, LETTER_STATUS_LABEL
from correspondence.letters.models import Bounce, Letter


class LetterOut(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    kind: str
    kind_label: str
    channel: str
    channel_label: str
    status: str
    status_label: str
    subject: str | None
    recipient: str | None
    campaign: str | None
    template_version_id: uuid.UUID | None
    pdf_template_version_id: uuid.UUID | None
    document_id: uuid.UUID | None
    message_id: str | None
    sealed: bool
    attempts: int
    next_attempt_at: datetime | None
    error: str | None
    print_date: date | None
    created_at: datetime
    sent_at: datetime | None
    approved_by: str | None

    @classmethod
    def of(cls, row: Letter) -> LetterOut:
        return cls(
            id=row.id,
            case_id=row.case_id,
            kind=row.kind,
            kind_label=LETTER_KIND_LABEL[row.kind],
            channel=row.channel,
            channel_label=CHANNEL_LABEL[row.channel],
            status=row.status,
            status_label=LETTER_STATUS_LABEL[row.status],
            subject=row.subject,
            recipient=row.recipient,
            campaign=row.campaign,
            template_version_id=row.template_version_id,
            pdf_template_version_id=row.pdf_template_version_id,
            document_id=row.document_id,
            message_id=row.message_id,
            sealed=row.sealed,
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            error=row.last_error,
            print_date=row.print_date,
            created_at=row.created_at,
            sent_at=row.sent_at,
            approved_by=row.approved_by,
        )


class BounceOut(BaseModel):
    letter_id: uuid.UUID
    recipient: str
    status: str
    diagnostic: str
    source: str
    received_at: datetime

    @classmethod
    def of(cls, row: Bounce) -> BounceOut:
        return cls(
            letter_id=row.letter_id,
            recipient=row.recipient,
            status=row.status,
            diagnostic=row.diagnostic,
            source=row.source,
            received_at=row.received_at,
        )


class ScheduleOut(BaseModel):
    id: uuid.UUID
    kind: str
    due_at: datetime
    status: str
    outcome: str | None
    request_id: uuid.UUID | None


class CaseCorrespondence(BaseModel):
    case_id: uuid.UUID
    letters: list[LetterOut]
    bounces: list[BounceOut]
    schedules: list[ScheduleOut]


class DecisionLetterOut(BaseModel):
    case_id: uuid.UUID
    kind: str
    status: str
    """`draft` until "akkoord en verzenden"; then the letters' status."""
    letter_ids: list[uuid.UUID]
    channels: list[str]
    subject: str
    html: str
    text: str
    pdf_base64: str | None
    template_versions: dict[str, uuid.UUID | None]
    errors: list[str]


class SendDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    template_versions: dict[str, uuid.UUID | None] | None = None
    """The versions the preview showed: sending refuses (409) when a template changed since."""
