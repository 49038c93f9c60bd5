"""Template versions per municipality, kind and channel: every save is a new version."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    ARRAY,
    Boolean,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from correspondence.models import Base


class TemplateVersion(Base):
    __tablename__ = "template_versions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    municipality_code: Mapped[str] = mapped_column(String(4))
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    version: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(10))
    """`html` (the browser editor: sanitised HTML with `$VELD$` and Jinja blocks) or `docx`."""
    subject: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str | None] = mapped_column(Text)
    docx: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    file_name: Mapped[str | None] = mapped_column(Text)
    fields: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    __table_args__ = (
        Index(
            "template_versions_number_idx",
            "municipality_code",
            "kind",
            "channel",
            "version",
            unique=True,
        ),
    )
