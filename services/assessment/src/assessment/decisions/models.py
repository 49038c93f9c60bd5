"""The decision on a case: one per case, the one source of the decided status and the letter."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, String, Text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from assessment.models import Base


class Decision(Base):
    __tablename__ = "decisions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    municipality_code: Mapped[str] = mapped_column(String(4))
    outcome: Mapped[str] = mapped_column(String(10))
    basis: Mapped[str] = mapped_column(String(24))
    reasons: Mapped[list[str]] = mapped_column(ARRAY(Text))
    custom_reason: Mapped[str | None] = mapped_column(Text)
    motivation: Mapped[str | None] = mapped_column(Text)
    advice_id: Mapped[uuid.UUID | None]
    advice: Mapped[str | None] = mapped_column(String(12))
    differs_from_advice: Mapped[bool] = mapped_column(Boolean)
    effective_from: Mapped[date | None] = mapped_column(Date)
    decided_by: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
