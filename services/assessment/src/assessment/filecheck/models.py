"""File checks: per municipality the current list (keyed hashes of BSNs) and each upload's report."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from assessment.models import Base


class FileCheck(Base):
    __tablename__ = "file_checks"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(4))
    filename: Mapped[str] = mapped_column(Text)
    file_type: Mapped[str] = mapped_column(String(4))
    file_sha256: Mapped[str] = mapped_column(String(64))
    file_size: Mapped[int] = mapped_column(BigInteger)
    uploaded_by: Mapped[str] = mapped_column(Text)
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rows_total: Mapped[int] = mapped_column(Integer)
    rows_valid: Mapped[int] = mapped_column(Integer)
    rows_rejected: Mapped[int] = mapped_column(Integer)
    rows_duplicate: Mapped[int] = mapped_column(Integer)
    current: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (
        Index(
            "file_checks_current_idx",
            "municipality_code",
            unique=True,
            postgresql_where=text("current"),
        ),
    )


class FileCheckEntry(Base):
    """A resident on the current list: the HMAC of the BSN, never the BSN."""

    __tablename__ = "file_check_entries"

    municipality_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    bsn_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    file_check_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("file_checks.id", ondelete="CASCADE"), index=True
    )
    line: Mapped[int] = mapped_column(Integer)


class FileCheckRow(Base):
    """The report: one outcome per line of the upload, with the reason when not taken."""

    __tablename__ = "file_check_rows"

    file_check_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("file_checks.id", ondelete="CASCADE"), primary_key=True
    )
    line: Mapped[int] = mapped_column(Integer, primary_key=True)
    outcome: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str | None] = mapped_column(Text)
