"""The one declarative Base of the correspondence service; features import it."""

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
