"""The HTTP answers of the cases service (the gateway proxies them as /api/v1/...)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from cases.models import CasePerson
from cases.statuses import CaseKind, CaseStatus, Category

_CASE_ID = "5f0c6a8e-3b1d-4c2e-9f47-0e8a1d2b3c4d"

_ADULT_EXAMPLE: dict[str, Any] = {
    "bsn": "111222333",
    "initials": "J.",
    "first_name": "Jan",
    "prefix": "de",
    "last_name": "Vries",
    "date_of_birth": "1981-04-17",
    "email": "jan.devries@example.nl",
    "phone": "0612345678",
    "address": {
        "street": "Prinsengracht",
        "house_number": 263,
        "house_number_suffix": "A",
        "postal_code": "1016 GV",
        "city": "Amsterdam",
    },
}
_HOUSEHOLD_EXAMPLE: dict[str, Any] = {
    "applicant": _ADULT_EXAMPLE,
    "partner": None,
    "children": [{"bsn": "312966210", "first_name": "Noor", "date_of_birth": "2012-06-30"}],
}
_SUMMARY_EXAMPLE: dict[str, Any] = {
    "id": _CASE_ID,
    "application_number": "GV-2026-0001234",
    "kind": "application",
    "status": "received",
    "municipality_code": "0363",
    "adults": 1,
    "persons": 2,
    "submitted_at": "2026-11-29T08:15:00Z",
    "status_changed_at": "2026-11-29T08:15:02Z",
    "advice": None,
    "assigned_to": None,
    "campaign": None,
}


class CaseSummary(BaseModel):
    """One row of the case list."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [_SUMMARY_EXAMPLE]}
    )

    id: uuid.UUID
    application_number: str
    kind: CaseKind
    status: CaseStatus
    municipality_code: str
    adults: int
    persons: int
    submitted_at: datetime
    status_changed_at: datetime
    advice: str | None = None
    assigned_to: str | None = None
    campaign: str | None = None


class CasePage(BaseModel):
    """A page of cases in the requested order; pass `next_cursor` as `cursor` (with the same
    filters and sort) for the next page."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": [_SUMMARY_EXAMPLE], "next_cursor": None}]}
    )

    items: list[CaseSummary]
    next_cursor: str | None


class Address(BaseModel):
    street: str
    house_number: int
    house_number_suffix: str | None = None
    postal_code: str
    city: str


class Adult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_ADULT_EXAMPLE]})

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
    bsn: str
    first_name: str
    date_of_birth: date


class Household(BaseModel):
    """The applicant, the partner if any, and the children."""

    model_config = ConfigDict(json_schema_extra={"examples": [_HOUSEHOLD_EXAMPLE]})

    applicant: Adult
    partner: Adult | None = None
    children: list[Child] = []

    @classmethod
    def from_persons(cls, persons: Sequence[CasePerson]) -> Household:
        """Rebuild the household from the case's person rows."""
        adults = {person.role: _adult(person) for person in persons if person.role != "child"}
        return cls(
            applicant=adults["applicant"],
            partner=adults.get("partner"),
            children=[
                Child(bsn=p.bsn, first_name=p.first_name or "", date_of_birth=p.date_of_birth)
                for p in persons
                if p.role == "child"
            ],
        )


def _adult(person: CasePerson) -> Adult:
    address = None
    if person.street is not None and person.house_number is not None:
        address = Address(
            street=person.street,
            house_number=person.house_number,
            house_number_suffix=person.house_number_suffix,
            postal_code=person.postal_code or "",
            city=person.city or "",
        )
    return Adult(
        bsn=person.bsn,
        initials=person.initials or "",
        first_name=person.first_name,
        prefix=person.prefix,
        last_name=person.last_name or "",
        date_of_birth=person.date_of_birth,
        email=person.email,
        phone=person.phone,
        address=address,
    )


class Revision(BaseModel):
    """One revision of the household as the resident submitted or corrected it."""

    model_config = ConfigDict(from_attributes=True)

    revision: int
    received_at: datetime
    household: Household


class HistoryEntry(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "occurred_at": "2026-11-29T08:15:02Z",
                    "action": "opened",
                    "actor": "system",
                    "from_status": None,
                    "to_status": "received",
                    "reason": None,
                    "details": {"revision": 1},
                }
            ]
        },
    )

    occurred_at: datetime
    action: str
    actor: str
    from_status: CaseStatus | None
    to_status: CaseStatus | None
    reason: str | None
    details: dict[str, Any]


class CaseDetail(CaseSummary):
    """A case with its current household, every revision and its history."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_SUMMARY_EXAMPLE,
                    "category": "received",
                    "application_id": "9d2f7c1e-0a4b-4e6f-8c3d-1b2a3c4d5e6f",
                    "revision": 1,
                    "corrected": False,
                    "created_at": "2026-11-29T08:15:02Z",
                    "updated_at": "2026-11-29T08:15:02Z",
                    "household": _HOUSEHOLD_EXAMPLE,
                    "revisions": [
                        {
                            "revision": 1,
                            "received_at": "2026-11-29T08:15:00Z",
                            "household": _HOUSEHOLD_EXAMPLE,
                        }
                    ],
                    "history": [],
                }
            ]
        }
    )

    category: Category
    application_id: uuid.UUID
    revision: int
    corrected: bool
    created_at: datetime
    updated_at: datetime
    household: Household
    revisions: list[Revision]
    history: list[HistoryEntry]


class Counts(BaseModel):
    applications: int
    adults: int
    persons: int


class CategoryCounts(Counts):
    category: Category


class Overview(BaseModel):
    """Per overview category (all of them, in display order): applications, adults, persons."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "categories": [
                        {"category": "received", "applications": 3, "adults": 4, "persons": 7},
                        {"category": "in_progress", "applications": 0, "adults": 0, "persons": 0},
                    ],
                    "total": {"applications": 3, "adults": 4, "persons": 7},
                }
            ]
        }
    )

    categories: list[CategoryCounts]
    total: Counts
