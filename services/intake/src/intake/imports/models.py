"""Tables of the re-examination import: the import, its file while processing, its report."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from intake.models import Base


class ReExaminationImport(Base):
    """One uploaded file for one municipality and campaign; `last_line` is the progress."""

    __tablename__ = "re_examination_imports"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    municipality_code: Mapped[str] = mapped_column(String(4))
    campaign: Mapped[str] = mapped_column(Text)
    filename: Mapped[str] = mapped_column(Text)
    file_type: Mapped[str] = mapped_column(String(4))
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_size: Mapped[int] = mapped_column(BigInteger)
    uploaded_by: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text)
    correlation_id: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="processing")
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_imported: Mapped[int] = mapped_column(Integer, default=0)
    rows_rejected: Mapped[int] = mapped_column(Integer, default=0)
    rows_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    last_line: Mapped[int] = mapped_column(Integer, default=1)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("re_examination_imports_listing_idx", "municipality_code", "created_at"),
        Index(
            "re_examination_imports_processing_idx",
            "created_at",
            postgresql_where=text("status = 'processing'"),
        ),
    )


class ReExaminationImportChunk(Base):
    """The uploaded file in 1 MiB pieces, kept only until the import finishes (to resume it)."""

    __tablename__ = "re_examination_import_chunks"

    import_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("re_examination_imports.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ReExaminationImportRow(Base):
    """The report: one outcome per data line of the file, with the reason when not imported."""

    __tablename__ = "re_examination_import_rows"

    import_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("re_examination_imports.id", ondelete="CASCADE"), primary_key=True
    )
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    outcome: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)


class ReExaminationResident(Base):
    """A resident (applicant or partner) with a re-examination in a campaign: the re-import guard.

    Holds a keyed hash of the BSN, never the BSN. Intake does not know when the case closes,
    so a resident stays taken for the whole campaign.
    """

    __tablename__ = "re_examination_residents"

    # The hash leads the key: a batch looks up 500 hashes at once, also before PostgreSQL
    # has statistics of a freshly filled table.
    bsn_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    campaign: Mapped[str] = mapped_column(Text, primary_key=True)
    role: Mapped[str] = mapped_column(String(10))
    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("re_examination_imports.id"))
    line: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
