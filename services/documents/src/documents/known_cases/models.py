"""The case copy, filled from `cases.case.opened` and `cases.case.status_changed`."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from documents.models import Base


class KnownCase(Base):
    """A case this service heard of; documents and links belong to one."""

    __tablename__ = "known_cases"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(32))
    status_changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the case reached `closed`: the start of the retention period."""
    stored_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    """The sizes of its documents added up, for the limit per case (kept atomically)."""
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    legal_hold_reason: Mapped[str | None] = mapped_column(Text)
    legal_hold_by: Mapped[str | None] = mapped_column(Text)
    legal_hold_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index(
            "known_cases_closed_idx", "closed_at", postgresql_where=text("closed_at IS NOT NULL")
        ),
    )
