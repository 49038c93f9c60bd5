"""Staff accounts' tables: local accounts, server-side sessions, failed logins.

They live on the gateway's `Base`, so Alembic sees them beside organisations and API keys.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    LargeBinary,
    Text,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from gateway.models import PLATFORM, Base
from servicekit.auth import STAFF_ROLES

_ROLE_LIST = ", ".join(f"'{role}'" for role in STAFF_ROLES)


class User(Base):
    """A staff member's local account; password hash (argon2id) and TOTP secret (encrypted)."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "municipality_code IS NULL OR isd_id IS NULL", name="user_one_organisation"
        ),
        CheckConstraint(f"role IN ({_ROLE_LIST})", name="user_role_known"),
        CheckConstraint(
            "(role = 'operator') = (municipality_code IS NULL AND isd_id IS NULL)",
            name="user_operator_is_platform",
        ),
        CheckConstraint("username = lower(username)", name="user_username_lowercase"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(Text, unique=True)
    municipality_code: Mapped[str | None] = mapped_column(
        ForeignKey("municipalities.code"), index=True
    )
    isd_id: Mapped[str | None] = mapped_column(ForeignKey("isds.id"), index=True)
    role: Mapped[str] = mapped_column(Text)
    display_name: Mapped[str] = mapped_column(Text)
    password_hash: Mapped[str] = mapped_column(Text)
    password_changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default="false"
    )
    """Set for an initial password someone else chose or saw: changed before anything else."""
    totp_secret_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    totp_enrolled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    totp_last_step: Mapped[int | None] = mapped_column(BigInteger)
    recovery_code_hashes: Mapped[list[str]] = mapped_column(
        ARRAY(Text), default=list, server_default="{}"
    )
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default="false")
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def organisation(self) -> str:
        return self.municipality_code or self.isd_id or PLATFORM


class StaffSession(Base):
    """A login: the id is the SHA-256 of the cookie's token, so a database dump logs no one in.

    `mfa_passed` is false between the password and the second factor; such a session opens
    only the MFA pages, and is replaced by a new one (a new token) once the code is right.
    """

    __tablename__ = "sessions"
    __table_args__ = (Index("sessions_user_idx", "user_id"),)

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    csrf_token: Mapped[str] = mapped_column(Text)
    mfa_passed: Mapped[bool] = mapped_column(Boolean)
    origin_ip: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginFailure(Base):
    """One failed login step from an address: the per-IP throttle counts these."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("login_failures_ip_idx", "origin_ip", "occurred_at"),)

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    origin_ip: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
