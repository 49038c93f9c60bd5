"""Every advice given, with the figures, the explanation and the parameter version it used."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, String, Text
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from assessment.models import Base


class GivenAdvice(Base):
    __tablename__ = "advices"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID]
    municipality_code: Mapped[str] = mapped_column(String(4))
    advice: Mapped[str] = mapped_column(String(12))
    reasons: Mapped[list[str]] = mapped_column(ARRAY(Text))
    parameter_version_id: Mapped[uuid.UUID]
    figures: Mapped[dict[str, Any]] = mapped_column(JSONB)
    explanation: Mapped[list[str]] = mapped_column(ARRAY(Text))
    trigger: Mapped[str] = mapped_column(String(24))
    requested_by: Mapped[str] = mapped_column(Text)
    package_ids: Mapped[list[str]] = mapped_column(ARRAY(Text))
    given_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("advices_case_idx", "case_id", "given_at"),)
