"""Intake's own tables: customer municipalities, applications with revisions, quarantine."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class KnownMunicipality(Base):
    """A customer municipality, as announced by the gateway (which owns organisations)."""

    __tablename__ = "known_municipalities"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )


class Application(Base):
    """One website application per application number; its revisions hold every version."""

    __tablename__ = "applications"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    application_number: Mapped[str] = mapped_column(String(20), unique=True)
    municipality_code: Mapped[str] = mapped_column(String(4))
    current_revision: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    revisions: Mapped[list[ApplicationRevision]] = relationship(lazy="raise")


class ApplicationRevision(Base):
    """A valid message as received: revision 1 is the original, higher ones corrections."""

    __tablename__ = "application_revisions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applications.id"))
    revision: Mapped[int] = mapped_column(Integer)
    source_event_id: Mapped[uuid.UUID] = mapped_column(unique=True)
    channel: Mapped[str] = mapped_column(String(10))
    body: Mapped[dict[str, Any]] = mapped_column(JSONB)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    __table_args__ = (
        Index("application_revisions_number_idx", "application_id", "revision", unique=True),
    )


class QuarantinedMessage(Base):
    """A message that could not be accepted, kept with its exact reason and raw body."""

    __tablename__ = "quarantined_messages"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    received_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    channel: Mapped[str] = mapped_column(String(10))
    message_id: Mapped[str | None] = mapped_column(Text)
    body_sha256: Mapped[str] = mapped_column(String(64))
    raw_body: Mapped[bytes] = mapped_column(LargeBinary)
    municipality_code: Mapped[str | None] = mapped_column(String(4))
    reason_code: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="quarantined")
    times_received: Mapped[int] = mapped_column(Integer, default=1)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    last_attempt_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        Index("quarantined_messages_listing_idx", "received_at", "id"),
        Index(
            "quarantined_messages_open_body_idx",
            "body_sha256",
            unique=True,
            postgresql_where=text("status = 'quarantined'"),
        ),
    )
