"""Letters and e-mails of a case, with their rendering, sending state and bounces."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, deferred, mapped_column

from correspondence.models import Base

STATUSES = (
    "draft",  # a decision letter waiting for the beslisser's "akkoord en verzenden"
    "held",  # a campaign invitation waiting for its campaign to start or resume
    "queued",  # to be rendered and sent by any replica
    "rendered",  # PDF and e-mail made, not yet handed over
    "retry",  # failed, retried at `next_attempt_at`
    "sent",  # accepted by the SMTP server, or in the day's print batch
    "failed",  # parked with the reason after its retries, or refused at once
    "bounced",  # the e-mail came back; a letter by post followed where an address is known
    "cancelled",
)


class Letter(Base):
    __tablename__ = "letters"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column()
    municipality_code: Mapped[str] = mapped_column(String(4))
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(12))
    cause: Mapped[str] = mapped_column(Text)
    """What made it (the idempotency key with case, kind and channel), e.g. `event:<id>`."""
    campaign: Mapped[str | None] = mapped_column(Text)
    values: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    """Merge values that come from the cause (links, term date, reasons), not from the case."""
    template_version_id: Mapped[uuid.UUID | None] = mapped_column()
    pdf_template_version_id: Mapped[uuid.UUID | None] = mapped_column()
    recipient: Mapped[str | None] = mapped_column(Text)
    subject: Mapped[str | None] = mapped_column(Text)
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    html: Mapped[str | None] = deferred(mapped_column(Text))
    text_body: Mapped[str | None] = deferred(mapped_column(Text))
    sealed: Mapped[bool] = mapped_column(Boolean, default=False)
    message_id: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[uuid.UUID | None] = mapped_column()
    sort_key: Mapped[str | None] = mapped_column(Text)
    print_date: Mapped[date | None] = mapped_column(Date)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    approved_by: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rendered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("letters_cause_idx", "case_id", "kind", "channel", "cause", unique=True),
        Index("letters_case_idx", "case_id", "created_at"),
        Index("letters_campaign_idx", "municipality_code", "campaign", "status", "channel"),
        Index("letters_retry_idx", "next_attempt_at", postgresql_where=text("status = 'retry'")),
        Index(
            "letters_print_idx",
            "municipality_code",
            "print_date",
            "sort_key",
            postgresql_where=text("channel = 'post' AND status = 'sent'"),
        ),
        Index(
            "letters_archive_idx",
            "created_at",
            postgresql_where=text("document_id IS NULL AND pdf IS NOT NULL"),
        ),
    )


class Bounce(Base):
    """An e-mail that came back (refused at once by the SMTP server, or a later DSN)."""

    __tablename__ = "bounces"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    letter_id: Mapped[uuid.UUID] = mapped_column()
    case_id: Mapped[uuid.UUID] = mapped_column()
    municipality_code: Mapped[str] = mapped_column(String(4))
    recipient: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    diagnostic: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("bounces_case_idx", "case_id", "received_at"),)
