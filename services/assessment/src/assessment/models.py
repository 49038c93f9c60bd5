"""The one declarative base of the assessment service; each feature declares its tables on it."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
