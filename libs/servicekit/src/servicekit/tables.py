"""The outbox and inbox tables that every service keeps in its own database."""

from sqlalchemy import (
    BigInteger,
    Column,
    DateTime,
    Index,
    Integer,
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
