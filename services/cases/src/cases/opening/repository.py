"""The queries of opening cases and applying their households.

Writes go through Core statements on the ORM tables, built once at import and executed once per
batch of events with a list of rows, so a batch never works on stale ORM objects and never pays
for building statements per row.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    String,
    Table,
    Uuid,
    any_,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from cases.models import Case, CaseHistory, CasePerson, CaseRevision
from contracts.household import Adult, Household
from servicekit.bulk import bulk_insert, insert_rows


@dataclass(frozen=True)
class CaseState:
    """What the event handlers need to know of an existing case, read under a row lock."""

    id: uuid.UUID
    revision: int
    status: str
    municipality_code: str


@dataclass(frozen=True)
class HouseholdCounts:
    """A case's newly applied revision and the counts of its household."""

    case_id: uuid.UUID
    revision: int
    adults: int
    persons: int


_CASES = cast("Table", Case.__table__)
_PERSONS = cast("Table", CasePerson.__table__)
_REVISIONS = cast("Table", CaseRevision.__table__)
_HISTORY = cast("Table", CaseHistory.__table__)

# Built once: constructing a statement per event costs more than executing it.
_LOCK_CASES = (
    select(
        _CASES.c.id,
        _CASES.c.application_number,
        _CASES.c.revision,
        _CASES.c.status,
        _CASES.c.municipality_code,
    )
    .where(
        _CASES.c.kind == bindparam("kind"),
        _CASES.c.application_number == any_(bindparam("numbers", type_=ARRAY(String))),
    )
    # One lock order for every transaction, so two consumers' batches cannot deadlock.
    .order_by(_CASES.c.application_number)
    .with_for_update()
)
_INSERT_CASES = bulk_insert(
    "cases",
    {
        "id": "uuid",
        "kind": "text",
        "application_number": "text",
        "application_id": "uuid",
        "municipality_code": "text",
        "status": "text",
        "submitted_at": "timestamptz",
        "adults": "smallint",
        "persons": "smallint",
        "revision": "integer",
        "corrected": "boolean",
        "campaign": "text",
    },
    suffix="ON CONFLICT (kind, application_number) DO NOTHING RETURNING application_number",
)
_KEPT_REVISIONS = select(_REVISIONS.c.case_id, _REVISIONS.c.revision).where(
    _REVISIONS.c.case_id == any_(bindparam("case_ids", type_=ARRAY(Uuid)))
)
_DELETE_PERSONS = delete(_PERSONS).where(
    _PERSONS.c.case_id == any_(bindparam("case_ids", type_=ARRAY(Uuid)))
)
# Rows go in as one array per column (see servicekit.bulk); JSON columns take JSON text.
_INSERT_PERSONS = bulk_insert(
    "case_persons",
    {
        "case_id": "uuid",
        "position": "smallint",
        "role": "text",
        "bsn": "text",
        "initials": "text",
        "first_name": "text",
        "prefix": "text",
        "last_name": "text",
        "date_of_birth": "date",
        "email": "text",
        "phone": "text",
        "street": "text",
        "house_number": "integer",
        "house_number_suffix": "text",
        "postal_code": "text",
        "city": "text",
    },
)
_INSERT_REVISIONS = bulk_insert(
    "case_revisions",
    {
        "case_id": "uuid",
        "revision": "integer",
        "source_event_id": "uuid",
        "household": "jsonb",
        "received_at": "timestamptz",
        "declared": "jsonb",
    },
)
_INSERT_HISTORY = bulk_insert(
    "case_history",
    {
        "case_id": "uuid",
        "action": "text",
        "actor": "text",
        "from_status": "text",
        "to_status": "text",
        "reason": "text",
        "details": "jsonb",
    },
    computed={"occurred_at": "now()"},
)
_UPDATE_HOUSEHOLD_COUNTS = (
    update(_CASES)
    .where(_CASES.c.id == bindparam("case_id"))
    .values(
        revision=bindparam("new_revision"),
        adults=bindparam("new_adults"),
        persons=bindparam("new_persons"),
        corrected=True,
        updated_at=func.now(),
    )
)


async def lock_cases(
    session: AsyncSession, *, kind: str, application_numbers: Collection[str]
) -> dict[str, CaseState]:
    """The cases of these numbers by number, locked until the transaction ends."""
    if not application_numbers:
        return {}
    rows = await session.execute(_LOCK_CASES, {"kind": kind, "numbers": list(application_numbers)})
    return {
        number: CaseState(
            id=case_id, revision=revision, status=status, municipality_code=municipality_code
        )
        for case_id, number, revision, status, municipality_code in rows
    }


async def insert_cases_if_absent(
    session: AsyncSession, *, values: Sequence[dict[str, Any]]
) -> set[str]:
    """Insert cases in one statement, skipping (kind, number) pairs that exist, also when
    another transaction races us; returns the application numbers inserted."""
    if not values:
        return set()
    # Sorted like the locks, so concurrent inserts of the same numbers cannot deadlock.
    ordered = sorted(values, key=lambda row: str(row["application_number"]))
    rows = [{"campaign": None, **row} for row in ordered]
    inserted = await session.scalars(_INSERT_CASES.statement, _INSERT_CASES.parameters(rows))
    return set(inserted.all())


async def kept_revisions(
    session: AsyncSession, *, case_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, set[int]]:
    """The revision numbers kept so far for each of these cases."""
    kept: dict[uuid.UUID, set[int]] = {case_id: set() for case_id in case_ids}
    if kept:
        for case_id, revision in await session.execute(_KEPT_REVISIONS, {"case_ids": list(kept)}):
            kept[case_id].add(revision)
    return kept


async def replace_households(
    session: AsyncSession,
    *,
    households: Mapping[uuid.UUID, Household],
    existing: Collection[uuid.UUID],
) -> None:
    """Write the households' persons in one insert, first removing those of `existing` cases."""
    if existing:
        await session.execute(_DELETE_PERSONS, {"case_ids": list(existing)})
    rows = [
        row for case_id, household in households.items() for row in person_rows(case_id, household)
    ]
    await insert_rows(session, _INSERT_PERSONS, rows)


async def update_household_counts(
    session: AsyncSession, *, counts: Sequence[HouseholdCounts]
) -> None:
    """Set each case's applied revision and household counts, and mark it corrected."""
    if counts:
        await session.execute(
            _UPDATE_HOUSEHOLD_COUNTS,
            [
                {
                    "case_id": count.case_id,
                    "new_revision": count.revision,
                    "new_adults": count.adults,
                    "new_persons": count.persons,
                }
                for count in counts
            ],
        )


async def add_revisions(session: AsyncSession, *, rows: Sequence[dict[str, Any]]) -> None:
    """Keep revisions' households as received: `case_id`, `revision`, `source_event_id`,
    `household` (JSON text), `received_at`, `declared` (JSON text or None)."""
    await insert_rows(session, _INSERT_REVISIONS, rows)


async def add_history(session: AsyncSession, *, rows: Sequence[dict[str, Any]]) -> None:
    """Add history rows, all now, in this order: `case_id`, `action`, `actor`, `from_status`,
    `to_status`, `reason`, `details` (a dict)."""
    await insert_rows(
        session, _INSERT_HISTORY, [{**row, "details": json.dumps(row["details"])} for row in rows]
    )


def _adult_row(role: str, adult: Adult) -> dict[str, Any]:
    address = adult.address
    return {
        "role": role,
        "bsn": adult.bsn,
        "initials": adult.initials,
        "first_name": adult.first_name,
        "prefix": adult.prefix,
        "last_name": adult.last_name,
        "date_of_birth": adult.date_of_birth,
        "email": adult.email,
        "phone": adult.phone,
        "street": address.street if address else None,
        "house_number": address.house_number if address else None,
        "house_number_suffix": address.house_number_suffix if address else None,
        "postal_code": address.postal_code if address else None,
        "city": address.city if address else None,
    }


def person_rows(case_id: uuid.UUID, household: Household) -> list[dict[str, Any]]:
    """The household as `case_persons` rows: applicant, partner, then the children in order."""
    rows = [_adult_row("applicant", household.applicant)]
    if household.partner is not None:
        rows.append(_adult_row("partner", household.partner))
    empty_adult_fields = dict.fromkeys(_adult_row("child", household.applicant), None)
    for child in household.children:
        rows.append(
            {
                **empty_adult_fields,
                "role": "child",
                "bsn": child.bsn,
                "first_name": child.first_name,
                "date_of_birth": child.date_of_birth,
            }
        )
    return [{**row, "case_id": case_id, "position": index} for index, row in enumerate(rows)]
