"""Upload links; the token itself is never stored, only its SHA-256."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from documents.models import Base


class UploadLink(Base):
    __tablename__ = "upload_links"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("known_cases.id"))
    municipality_code: Mapped[str] = mapped_column(String(4))
    purpose: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    """What staff ask, shown to the resident (plain text)."""
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdrawn_by: Mapped[str | None] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (
        Index("upload_links_case_idx", "case_id", "created_at"),
        Index(
            "upload_links_idempotency_idx",
            "case_id",
            "idempotency_key",
            unique=True,
            postgresql_where=text("idempotency_key IS NOT NULL"),
        ),
    )
