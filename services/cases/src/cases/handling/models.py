"""Memos, the table only the case handling uses (the case, its history and its hold are in
`cases.models`, shared by every feature)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base


class CaseMemo(Base):
    """A staff note in the case file: never edited or deleted, only followed by a correction."""

    __tablename__ = "case_memos"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    author: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    corrects_memo_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("case_memos.id"))

    __table_args__ = (Index("case_memos_case_idx", "case_id", "created_at"),)
