"""Objects being written: recorded before the upload, removed with the document's commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Text
from sqlalchemy.orm import Mapped, mapped_column

from documents.models import Base


class PendingObject(Base):
    """An object that may exist in storage without a document row yet.

    Written (and committed) before the upload starts, deleted in the transaction that adds
    the document. A row that outlives its grace period belongs to an upload that failed or a
    process that crashed: the sweeper removes its object, so nothing half-stored stays.
    """

    __tablename__ = "pending_objects"

    object_key: Mapped[str] = mapped_column(Text, primary_key=True)
    bucket: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
