"""The household of an application or re-examination, as carried inside events."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict


class Address(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    street: str
    house_number: int
    house_number_suffix: str | None = None
    postal_code: str
    city: str


class Adult(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    bsn: str
    initials: str
    first_name: str | None = None
    prefix: str | None = None
    last_name: str
    date_of_birth: date
    email: str | None = None
    phone: str | None = None
    address: Address | None = None


class Child(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    bsn: str
    first_name: str
    date_of_birth: date


class Household(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    applicant: Adult
    partner: Adult | None = None
    children: tuple[Child, ...] = ()

    @property
    def adults(self) -> int:
        return 1 if self.partner is None else 2

    @property
    def persons(self) -> int:
        return self.adults + len(self.children)
