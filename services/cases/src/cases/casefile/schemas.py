"""The HTTP models of the case file: ONE source, `contracts.api.cases`, shared with the
gateway's public API (re-exported here); plus rebuilding a household from the ORM rows."""

from __future__ import annotations

from collections.abc import Sequence

from cases.models import CasePerson
from contracts.api.cases import (
    Address,
    Adult,
    CaseDetail,
    CaseSummary,
    Child,
    HistoryEntry,
    Household,
    Revision,
)

__all__ = [
    "Address",
    "Adult",
    "CaseDetail",
    "CaseSummary",
    "Child",
    "HistoryEntry",
    "Household",
    "Revision",
    "household_of",
]


def household_of(persons: Sequence[CasePerson]) -> Household:
    """Rebuild the household from the case's person rows."""
    adults = {person.role: _adult(person) for person in persons if person.role != "child"}
    return Household(
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
