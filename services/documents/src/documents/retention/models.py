"""A municipality's retention periods (the defaults come from the settings)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from documents.models import Base


class RetentionPolicy(Base):
    __tablename__ = "retention_policies"

    municipality_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    letter_years: Mapped[int] = mapped_column(Integer)
    """Decisions and other letters."""
    evidence_years: Mapped[int] = mapped_column(Integer)
    """Everything else: evidence from residents and staff, source documents."""
    updated_by: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
