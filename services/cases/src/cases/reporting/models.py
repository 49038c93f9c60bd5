"""The access log's table (Logboek Dataverwerkingen), written through `reporting.audit` only."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Identity, Index, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base


class AccessLog(Base):
    """Who accessed which personal data, when, why (Logboek Dataverwerkingen); append only.

    No foreign key to cases: entries outlive the cases, removed after the retention period.
    The data subject is stored as an HMAC of the BSN, never in clear; `details` holds no
    personal data (filters are recorded by kind, not value).
    """

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    actor: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    municipality_code: Mapped[str | None] = mapped_column(String(4))
    case_id: Mapped[uuid.UUID | None]
    application_number: Mapped[str | None] = mapped_column(String(64))
    """The case's number, as staff know it (kept when the case itself is removed)."""
    purpose: Mapped[str] = mapped_column(Text)
    """The processing activity (verwerkingsactiviteit) the principal acts for."""
    trace_id: Mapped[str] = mapped_column(Text)
    """The correlation id of the request, which the gateway and every service log."""
    data_subject_hash: Mapped[str | None] = mapped_column(String(64))
    row_count: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)

    __table_args__ = (
        Index("access_log_municipality_idx", "municipality_code", "occurred_at", "id"),
        Index("access_log_case_idx", "case_id", "occurred_at"),
        Index("access_log_actor_idx", "actor", "occurred_at"),
        Index("access_log_subject_idx", "data_subject_hash"),
        Index("access_log_application_number_idx", "application_number", "occurred_at", "id"),
    )
