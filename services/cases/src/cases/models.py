"""The tables of the cases service (SQLAlchemy 2 ORM; relationships never load lazily)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    MetaData,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from cases.statuses import CaseKind, CaseStatus

NAMING_CONVENTION = {
    "ix": "%(table_name)s_%(column_0_N_name)s_idx",
    "uq": "%(table_name)s_%(column_0_N_name)s_key",
    "ck": "%(table_name)s_%(constraint_name)s_check",
    "fk": "%(table_name)s_%(column_0_name)s_fkey",
    "pk": "%(table_name)s_pkey",
}


def _one_of(column: str, values: tuple[str, ...]) -> str:
    """A CHECK expression over fixed, code-defined values (never user input)."""
    quoted = ", ".join("'" + str(value) + "'" for value in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Case(Base):
    """An application (or, later, a re-examination) being handled; one per number and kind."""

    __tablename__ = "cases"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(String(20))
    application_number: Mapped[str] = mapped_column(String(64))
    application_id: Mapped[uuid.UUID]
    municipality_code: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(32))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    adults: Mapped[int] = mapped_column(SmallInteger)
    persons: Mapped[int] = mapped_column(SmallInteger)
    revision: Mapped[int]
    corrected: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Handling: who works on it, the campaign of a re-examination, advice and decision.
    assigned_to: Mapped[str | None] = mapped_column(Text)
    campaign: Mapped[str | None] = mapped_column(Text)
    advice: Mapped[str | None] = mapped_column(String(20))
    decision: Mapped[str | None] = mapped_column(String(20))
    status_changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # On hold (in afwachting): why, until when, since when, and the status to return to. The
    # time spent on hold is summed, so the handling time can leave it out.
    hold_reason: Mapped[str | None] = mapped_column(Text)
    hold_until: Mapped[date | None] = mapped_column(Date)
    held_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    held_from_status: Mapped[str | None] = mapped_column(String(32))
    seconds_on_hold: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    household: Mapped[list[CasePerson]] = relationship(
        lazy="raise", order_by="CasePerson.position", passive_deletes=True
    )
    revisions: Mapped[list[CaseRevision]] = relationship(
        lazy="raise", order_by="CaseRevision.revision", passive_deletes=True
    )
    history: Mapped[list[CaseHistory]] = relationship(
        lazy="raise", order_by="[CaseHistory.occurred_at, CaseHistory.id]", passive_deletes=True
    )

    __table_args__ = (
        UniqueConstraint("kind", "application_number"),
        CheckConstraint(_one_of("kind", tuple(CaseKind)), name="kind"),
        CheckConstraint(_one_of("status", tuple(CaseStatus)), name="status"),
        CheckConstraint("adults BETWEEN 1 AND 2 AND persons >= adults", name="counts"),
        # The overview: one GROUP BY status per municipality, answered from the index alone.
        Index(
            "cases_overview_idx",
            "municipality_code",
            "status",
            postgresql_include=["adults", "persons"],
        ),
        # The list, newest first: per municipality, and across all (platform users).
        Index("cases_municipality_listing_idx", "municipality_code", "submitted_at", "id"),
        Index("cases_listing_idx", "submitted_at", "id"),
    )


class CasePerson(Base):
    """A member of the case's current household; replaced when the household is corrected."""

    __tablename__ = "case_persons"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(SmallInteger)
    role: Mapped[str] = mapped_column(String(16))
    bsn: Mapped[str] = mapped_column(String(9))
    initials: Mapped[str | None] = mapped_column(Text)
    first_name: Mapped[str | None] = mapped_column(Text)
    prefix: Mapped[str | None] = mapped_column(Text)
    last_name: Mapped[str | None] = mapped_column(Text)
    date_of_birth: Mapped[date] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    street: Mapped[str | None] = mapped_column(Text)
    house_number: Mapped[int | None]
    house_number_suffix: Mapped[str | None] = mapped_column(Text)
    postal_code: Mapped[str | None] = mapped_column(Text)
    city: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("case_id", "position"),
        CheckConstraint(_one_of("role", ("applicant", "partner", "child")), name="role"),
    )


class CaseRevision(Base):
    """Every revision of the application's household, as received; the history shows them."""

    __tablename__ = "case_revisions"

    case_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True
    )
    revision: Mapped[int] = mapped_column(primary_key=True)
    source_event_id: Mapped[uuid.UUID]
    household: Mapped[dict[str, Any]] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    """When the resident submitted (revision 1) or corrected (later revisions) the application."""


class CaseHistory(Base):
    """What happened to a case, by whom, and why; the workflow adds its transitions here."""

    __tablename__ = "case_history"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(64))
    actor: Mapped[str] = mapped_column(Text)
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str | None] = mapped_column(String(32))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)

    __table_args__ = (Index("case_history_case_idx", "case_id", "occurred_at"),)


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
