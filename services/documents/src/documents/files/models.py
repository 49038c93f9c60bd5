"""Documents (metadata; the bytes are in object storage) and the log of removed ones."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from documents.models import Base


class Document(Base):
    """One stored file of a case. `sha256` and `size_bytes` are of the stored object and are
    checked on every read; `file_name` is the cleaned original name (shown, never a key)."""

    __tablename__ = "documents"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("known_cases.id"))
    municipality_code: Mapped[str] = mapped_column(String(4))
    kind: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str | None] = mapped_column(String(64))
    upload_link_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("upload_links.id"))
    bucket: Mapped[str] = mapped_column(Text)
    object_key: Mapped[str] = mapped_column(Text, unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    received_sha256: Mapped[str] = mapped_column(String(64))
    """Of the bytes as they arrived (differs from `sha256` for a re-encoded image)."""
    content_type: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str] = mapped_column(Text)
    added_by: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("documents_case_idx", "case_id", "created_at", "id"),
        Index(
            "documents_idempotency_idx",
            "case_id",
            "idempotency_key",
            unique=True,
            postgresql_where=text("idempotency_key IS NOT NULL"),
        ),
        Index(
            "documents_link_idx",
            "upload_link_id",
            postgresql_where=text("upload_link_id IS NOT NULL"),
        ),
    )


class DocumentDeletion(Base):
    """That a document was removed, when and why: kept after the document and its object are
    gone (no file name: nothing personal outlives the retention period)."""

    __tablename__ = "document_deletions"

    document_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID]
    municipality_code: Mapped[str] = mapped_column(String(4))
    kind: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(String(16))
    deleted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deleted_by: Mapped[str] = mapped_column(Text)
