"""The service's copy of each case's addressee, and the resident's consent to e-mail per kind."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Index, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from correspondence.models import Base


class CaseCopy(Base):
    """What letters need of a case, from `cases.case.opened` / `household_corrected`."""

    __tablename__ = "case_copies"

    case_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(4))
    kind: Mapped[str] = mapped_column(String(20))
    application_number: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    requested_start_date: Mapped[date | None] = mapped_column(Date)
    campaign: Mapped[str | None] = mapped_column(Text)
    household: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __table_args__ = (Index("case_copies_campaign_idx", "municipality_code", "campaign"),)


class ContactConsent(Base):
    """Whether the resident agreed to receive this kind of message by e-mail (since 2026 a
    government body may only write electronically to who said so, per kind of message)."""

    __tablename__ = "contact_consents"

    case_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    email_allowed: Mapped[bool] = mapped_column(Boolean)
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
