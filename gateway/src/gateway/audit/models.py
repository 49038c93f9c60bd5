"""The security audit's table, on the gateway's `Base` like the staff accounts' tables."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Identity, Index, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from gateway.models import Base


class SecurityAudit(Base):
    """BIO2 security log: action, object, result, origin, actor, time. Append-only (a trigger
    refuses UPDATE and DELETE); never holds passwords, codes or secrets.
    """

    __tablename__ = "security_audit"
    __table_args__ = (
        Index("security_audit_time_idx", "occurred_at"),
        Index("security_audit_organisation_idx", "organisation", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    action: Mapped[str] = mapped_column(Text)
    object: Mapped[str] = mapped_column(Text)
    result: Mapped[str] = mapped_column(Text)
    origin_ip: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(Text)
    organisation: Mapped[str | None] = mapped_column(Text)
    """The organisation of the account concerned (its auditor reads the record); none for a
    login attempt on an unknown account."""
