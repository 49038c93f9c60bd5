"""Durable schedules: a reminder or the end of a term, fired once by whichever replica."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from correspondence.models import Base


class Schedule(Base):
    __tablename__ = "schedules"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column()
    municipality_code: Mapped[str] = mapped_column(String(4))
    kind: Mapped[str] = mapped_column(String(20))
    """`reminder` (no data after an invitation or request) or `term_expiry`."""
    cause: Mapped[str] = mapped_column(Text)
    request_id: Mapped[uuid.UUID | None] = mapped_column()
    values: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)
    """Merge values for the reminder (the links and the term of what it reminds of)."""
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(12), default="pending")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("schedules_cause_idx", "case_id", "kind", "cause", unique=True),
        Index("schedules_due_idx", "due_at", postgresql_where=text("status = 'pending'")),
    )
