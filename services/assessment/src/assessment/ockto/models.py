"""Data sessions, accepted and refused deliveries, sealed packages and their source documents."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Identity,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from assessment.models import Base


class DataSession(Base):
    """A session for one case: `requested` (to be started at Ockto), `invited`, `delivered`,
    `expired`, `cancelled` (the case closed or a new session replaced it) or `failed`."""

    __tablename__ = "data_sessions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    ockto_session_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    case_id: Mapped[uuid.UUID] = mapped_column(index=True)
    municipality_code: Mapped[str] = mapped_column(String(4))
    state: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(16))
    started_by: Mapped[str] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    url: Mapped[str | None] = mapped_column(Text)
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    delivery_id: Mapped[uuid.UUID | None]
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    correlation_id: Mapped[str] = mapped_column(Text)

    __table_args__ = (
        Index(
            "data_sessions_requested_idx",
            "next_attempt_at",
            postgresql_where=text("state = 'requested'"),
        ),
        Index(
            "data_sessions_invited_idx", "expires_at", postgresql_where=text("state = 'invited'")
        ),
    )


class Delivery(Base):
    """An accepted delivery: its id and the hash of its body, so a replay answers 200 again."""

    __tablename__ = "deliveries"

    delivery_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    session_id: Mapped[uuid.UUID]
    case_id: Mapped[uuid.UUID]
    body_sha256: Mapped[str] = mapped_column(String(64))
    package_id: Mapped[uuid.UUID]
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RefusedDelivery(Base):
    """A delivery refused, with its reason; never its body (personal data), only its hash."""

    __tablename__ = "refused_deliveries"

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason_code: Mapped[str] = mapped_column(String(40))
    reason: Mapped[str] = mapped_column(Text)
    http_status: Mapped[int] = mapped_column(SmallInteger)
    delivery_id: Mapped[str | None] = mapped_column(String(64))
    session_id: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[uuid.UUID | None]
    municipality_code: Mapped[str | None] = mapped_column(String(4))
    body_sha256: Mapped[str] = mapped_column(String(64))
    body_bytes: Mapped[int] = mapped_column(BigInteger)
    signature_present: Mapped[bool] = mapped_column(Boolean)

    __table_args__ = (Index("refused_deliveries_listing_idx", "received_at", "id"),)


class DataPackage(Base):
    """A case's income and asset data from one source, sealed (AES-GCM) at rest; readable only
    through this service. The latest package per origin is the one that counts."""

    __tablename__ = "data_packages"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID]
    origin: Mapped[str] = mapped_column(String(10))
    session_id: Mapped[uuid.UUID | None]
    delivery_id: Mapped[uuid.UUID | None]
    persons: Mapped[list[str]] = mapped_column(ARRAY(Text))
    recorded_by: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    key_id: Mapped[str] = mapped_column(String(40))
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    ciphertext: Mapped[bytes] = mapped_column(LargeBinary)

    __table_args__ = (Index("data_packages_case_idx", "case_id", "origin", "recorded_at"),)


class SourceDocument(Base):
    """A source document fetched from Ockto (checksum checked), sealed here until the documents
    service stored it; then only its document id remains."""

    __tablename__ = "source_documents"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    case_id: Mapped[uuid.UUID]
    package_id: Mapped[uuid.UUID] = mapped_column(index=True)
    kind: Mapped[str] = mapped_column(String(32))
    sha256: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(10))
    document_id: Mapped[uuid.UUID | None]
    key_id: Mapped[str | None] = mapped_column(String(40))
    nonce: Mapped[bytes | None] = mapped_column(LargeBinary)
    ciphertext: Mapped[bytes | None] = mapped_column(LargeBinary)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict)

    __table_args__ = (
        Index(
            "source_documents_pending_idx",
            "next_attempt_at",
            postgresql_where=text("state = 'pending'"),
        ),
    )
