"""The outbox, inbox and parked-message tables that every service keeps in its own database."""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

MESSAGING_METADATA = MetaData()

outbox = Table(
    "outbox",
    MESSAGING_METADATA,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("routing_key", Text, nullable=False),
    Column("envelope", JSONB, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Column("sent_at", DateTime(timezone=True)),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Index("outbox_unsent_idx", "id", postgresql_where=text("sent_at IS NULL")),
)

inbox = Table(
    "inbox",
    MESSAGING_METADATA,
    Column("consumer", Text, nullable=False),
    Column("message_id", Text, nullable=False),
    Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    PrimaryKeyConstraint("consumer", "message_id", name="inbox_pkey"),
)

parked_messages = Table(
    "parked_messages",
    MESSAGING_METADATA,
    # Derived from the parked message itself, so moving it in from the parking queue twice
    # (a crash between commit and ack) stores it once.
    Column("id", Uuid, primary_key=True),
    Column("queue", Text, nullable=False),
    Column("message_id", Text),
    Column("event_type", Text),
    Column("correlation_id", Text),
    Column("content_type", Text),
    Column("original_exchange", Text, nullable=False),
    Column("original_routing_key", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("parked_at", DateTime(timezone=True), nullable=False),
    Column("headers", JSONB, nullable=False),
    # Kept for the replay only, never shown: event bodies hold personal data (BSNs).
    Column("body", LargeBinary, nullable=False),
    Column("status", String(12), nullable=False, server_default="parked"),
    Column("resolved_at", DateTime(timezone=True)),
    Column("resolved_by", Text),
    Column("discard_reason", Text),
    Column("collected_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    Index("parked_messages_status_idx", "status", "parked_at"),
)

TENANT_METADATA = MetaData()
"""Kept apart from the messaging tables: only services that use `servicekit.tenants` have it."""

tenant_municipalities = Table(
    "tenant_municipalities",
    TENANT_METADATA,
    Column("code", String(4), primary_key=True),
    Column("name", Text, nullable=False),
    Column("licence", String(16), nullable=False),
    Column("addons", ARRAY(Text), nullable=False, server_default="{}"),
    Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
)
