"""The licence of each municipality; a municipality without a row has the default licence
(`contracts.licences.DEFAULT_LICENCE` with `DEFAULT_ADDONS`)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Text, func, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from contracts.licences import Addon, Licence
from gateway.models import Base

_LICENCES = ", ".join(f"'{licence.value}'" for licence in Licence)
_ADDONS = ", ".join(f"'{addon.value}'" for addon in Addon)


class MunicipalityLicence(Base):
    __tablename__ = "municipality_licences"
    __table_args__ = (
        CheckConstraint(f"licence IN ({_LICENCES})", name="municipality_licence_known"),
        CheckConstraint(f"addons <@ ARRAY[{_ADDONS}]::text[]", name="municipality_addons_known"),
    )

    code: Mapped[str] = mapped_column(
        ForeignKey("municipalities.code", ondelete="CASCADE"), primary_key=True
    )
    licence: Mapped[str] = mapped_column(Text)
    addons: Mapped[list[str]] = mapped_column(ARRAY(Text), server_default=text("'{}'"))
    changed_by: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
