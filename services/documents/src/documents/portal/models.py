"""Rate-limit counters of the portal: one row per scope, key and minute."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from documents.models import Base


class RateCounter(Base):
    """Hits of one key (a link id, or an address pseudonym) in one window; counted with one
    atomic upsert, so concurrent requests of several replicas count exactly."""

    __tablename__ = "portal_rate_counters"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
