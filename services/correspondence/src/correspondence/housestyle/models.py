"""A municipality's house style: logo, colours, sender, signature, footer, objection address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, LargeBinary, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from correspondence.models import Base


class HouseStyle(Base):
    __tablename__ = "house_styles"

    municipality_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    primary_color: Mapped[str] = mapped_column(String(7))
    accent_color: Mapped[str] = mapped_column(String(7))
    sender_name: Mapped[str] = mapped_column(Text)
    sender_block: Mapped[str] = mapped_column(Text)
    return_address: Mapped[str] = mapped_column(Text)
    signature_name: Mapped[str] = mapped_column(Text)
    signature_function: Mapped[str] = mapped_column(Text)
    signature_image: Mapped[bytes | None] = mapped_column(LargeBinary)
    signature_image_type: Mapped[str | None] = mapped_column(String(20))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str | None] = mapped_column(String(20))
    footer: Mapped[str] = mapped_column(Text)
    objection_to: Mapped[str] = mapped_column(Text)
    objection_address: Mapped[str] = mapped_column(Text)
    objection_url: Mapped[str | None] = mapped_column(Text)
    contact_phone: Mapped[str | None] = mapped_column(Text)
    contact_email: Mapped[str | None] = mapped_column(Text)
    updated_by: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
