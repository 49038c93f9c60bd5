"""Re-examination campaigns: started, paused and resumed by staff; letters are the progress."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from correspondence.models import Base


class Campaign(Base):
    __tablename__ = "campaigns"

    municipality_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(Text, primary_key=True)
    status: Mapped[str] = mapped_column(String(10))
    """`running` or `paused`."""
    template_version_id: Mapped[uuid.UUID] = mapped_column()
    started_by: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed_by: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    paused_reason: Mapped[str | None] = mapped_column(Text)
    """Why the system paused it (the licence no longer includes campaigns); staff read it."""
