"""The assessment service's own copy of the cases it assesses, learnt from the cases events.

Only what the assessment needs: the municipality, the household (to match Ockto's persons and
to count the household type), the dates, the status and who prepared the case (four eyes).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, Integer, String, Text, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from assessment.models import Base


class KnownCase(Base):
    __tablename__ = "cases"

    case_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    municipality_code: Mapped[str] = mapped_column(String(4), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    application_number: Mapped[str] = mapped_column(String(64))
    submitted_on: Mapped[date] = mapped_column(Date)
    requested_start_date: Mapped[date | None] = mapped_column(Date)
    household: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    household_revision: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(32))
    assignee: Mapped[str | None] = mapped_column(Text)
    applicant_bsn: Mapped[str | None] = mapped_column(String(9), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class CasePreparer(Base):
    """A staff member who prepared the case: entered data, asked for the advice, moved it to
    advice ready, or was assigned. With four eyes on, none of them may decide it."""

    __tablename__ = "case_preparers"

    case_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(Text, primary_key=True)
    how: Mapped[str] = mapped_column(String(32), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AccessLogEntry(Base):
    """Who viewed a case's income and asset data, when, for which processing activity."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(Text)
    action: Mapped[str] = mapped_column(String(40))
    case_id: Mapped[uuid.UUID] = mapped_column(index=True)
    trace_id: Mapped[str] = mapped_column(Text)


class KnownDocument(Base):
    """A document of a case in the documents service (from `documents.document.added`): what
    staff may link to manually entered figures."""

    __tablename__ = "case_documents"

    document_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(32))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
