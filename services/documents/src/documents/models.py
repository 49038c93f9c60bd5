"""The one declarative base of the documents service, and its access log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Identity, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class AccessLog(Base):
    """Who listed or downloaded which case's documents, when, why (Logboek Dataverwerkingen).

    The shape of the cases service's log: actor, organisation, role, purpose (processing
    activity), trace id (the correlation id), the municipality (controller) and the case. No
    file names or other personal data; append only, no foreign keys (it outlives documents).
    """

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    municipality_code: Mapped[str] = mapped_column(String(4))
    case_id: Mapped[uuid.UUID]
    document_id: Mapped[uuid.UUID | None]
    purpose: Mapped[str] = mapped_column(Text)
    trace_id: Mapped[str] = mapped_column(Text)
    row_count: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)

    __table_args__ = (
        Index("access_log_municipality_idx", "municipality_code", "occurred_at", "id"),
        Index("access_log_case_idx", "case_id", "occurred_at"),
    )
