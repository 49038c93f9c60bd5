"""The gateway's tables: customer organisations and the API keys that act for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from servicekit.auth import STAFF_ROLES

PLATFORM = "platform"
_ROLE_LIST = ", ".join(f"'{role}'" for role in STAFF_ROLES)


class Base(DeclarativeBase):
    pass


class Municipality(Base):
    """A customer municipality, identified by its 4-digit CBS code."""

    __tablename__ = "municipalities"
    __table_args__ = (CheckConstraint("code ~ '^[0-9]{4}$'", name="municipality_code_format"),)

    code: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Isd(Base):
    """An ISD: a joint social service that works for several municipalities."""

    __tablename__ = "isds"
    __table_args__ = (CheckConstraint("id ~ '^[a-z][a-z0-9-]{1,62}$'", name="isd_id_format"),)

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class IsdMember(Base):
    __tablename__ = "isd_members"

    isd_id: Mapped[str] = mapped_column(ForeignKey("isds.id", ondelete="CASCADE"), primary_key=True)
    municipality_code: Mapped[str] = mapped_column(
        ForeignKey("municipalities.code"), primary_key=True, index=True
    )


class ApiKey(Base):
    """An API key: only its id and the SHA-256 of its secret are stored.

    It belongs to a municipality, an ISD, or (both empty) the built-in `platform` organisation;
    platform keys, and only those, have the role `operator`.
    """

    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint(
            "municipality_code IS NULL OR isd_id IS NULL", name="api_key_one_organisation"
        ),
        CheckConstraint(f"role IN ({_ROLE_LIST})", name="api_key_role_known"),
        CheckConstraint(
            "(role = 'operator') = (municipality_code IS NULL AND isd_id IS NULL)",
            name="api_key_operator_is_platform",
        ),
    )

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    secret_sha256: Mapped[str] = mapped_column(Text)
    municipality_code: Mapped[str | None] = mapped_column(
        ForeignKey("municipalities.code"), index=True
    )
    isd_id: Mapped[str | None] = mapped_column(ForeignKey("isds.id"), index=True)
    role: Mapped[str] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def organisation(self) -> str:
        return self.municipality_code or self.isd_id or PLATFORM
