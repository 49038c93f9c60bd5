"""Parameter versions per municipality and their audit trail."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, DateTime, Identity, Index, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from assessment.models import Base


class ParameterVersion(Base):
    """One version, valid from a date (until the day before the next one starts). Its values
    never change once written: an advice names the version it used."""

    __tablename__ = "parameter_versions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(4))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    values: Mapped[dict[str, Any]] = mapped_column(JSONB)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("parameter_versions_period_idx", "municipality_code", "valid_from", unique=True),
    )


class ParameterAudit(Base):
    """Who changed what, when: every version added, every period closed by a successor."""

    __tablename__ = "parameter_audit"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    version_id: Mapped[uuid.UUID]
    action: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changes: Mapped[dict[str, Any]] = mapped_column(JSONB)
