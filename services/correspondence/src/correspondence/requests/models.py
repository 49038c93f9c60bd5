"""Information requests with a term to complete (hersteltermijn, Awb 4:5)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from correspondence.models import Base


class InformationRequest(Base):
    __tablename__ = "information_requests"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column()
    municipality_code: Mapped[str] = mapped_column(String(4))
    items: Mapped[list[str]] = mapped_column(JSONB)
    message: Mapped[str | None] = mapped_column(Text)
    term_days: Mapped[int] = mapped_column(Integer)
    term_ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default="open")
    requested_by: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("information_requests_case_idx", "case_id", "requested_at"),)
