"""Every query of the cases service.

Writes go through Core statements on the ORM tables (one statement per table, multi-row where
there are many rows), so a batch of messages in one session never works on stale ORM objects.
Reads that shape answers load ORM objects with explicit eager loading.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from cases.models import Case, CaseHistory, CasePerson, CaseRevision
from contracts.household import Adult, Household

Scope = tuple[str, ...] | None
"""The municipalities a query may touch; None means every municipality (platform users)."""


@dataclass(frozen=True)
class CaseState:
    """What the event handlers need to know of an existing case, read under a row lock."""

    id: uuid.UUID
    revision: int
    status: str
    municipality_code: str


@dataclass(frozen=True)
class StatusCount:
    status: str
    applications: int
    adults: int
    persons: int


async def lock_case(
    session: AsyncSession, *, kind: str, application_number: str
) -> CaseState | None:
    """The case of this number, locked until the transaction ends; None when there is none."""
    row = (
        await session.execute(
            select(Case.id, Case.revision, Case.status, Case.municipality_code)
            .where(Case.kind == kind, Case.application_number == application_number)
            .with_for_update()
        )
    ).one_or_none()
    if row is None:
        return None
    case_id, revision, status, municipality_code = row
    return CaseState(
        id=case_id, revision=revision, status=status, municipality_code=municipality_code
    )


async def insert_case_if_absent(session: AsyncSession, *, values: dict[str, Any]) -> bool:
    """Insert a case unless its (kind, number) exists, also when another transaction races us."""
    statement = (
        pg_insert(Case)
        .values(**values)
        .on_conflict_do_nothing(index_elements=["kind", "application_number"])
        .returning(Case.id)
    )
    return (await session.execute(statement)).first() is not None


async def update_household_counts(
    session: AsyncSession, *, case_id: uuid.UUID, revision: int, adults: int, persons: int
) -> None:
    await session.execute(
        update(Case)
        .where(Case.id == case_id)
        .values(
            revision=revision,
            adults=adults,
            persons=persons,
            corrected=True,
            updated_at=func.now(),
        )
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


async def replace_household(
    session: AsyncSession, *, case_id: uuid.UUID, household: Household, existing: bool
) -> None:
    """Write the household's persons in one multi-row insert, removing the old ones first."""
    if existing:
        await session.execute(delete(CasePerson).where(CasePerson.case_id == case_id))
    await session.execute(insert(CasePerson).values(person_rows(case_id, household)))


async def add_revision(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    revision: int,
    source_event_id: uuid.UUID,
    household: dict[str, Any],
    received_at: datetime,
) -> bool:
    """Keep a revision's household; False when this revision was kept before."""
    statement = (
        pg_insert(CaseRevision)
        .values(
            case_id=case_id,
            revision=revision,
            source_event_id=source_event_id,
            household=household,
            received_at=received_at,
        )
        .on_conflict_do_nothing(index_elements=["case_id", "revision"])
        .returning(CaseRevision.revision)
    )
    return (await session.execute(statement)).first() is not None


async def add_history(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    action: str,
    actor: str,
    from_status: str | None = None,
    to_status: str | None = None,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    await session.execute(
        insert(CaseHistory).values(
            case_id=case_id,
            occurred_at=func.now(),
            action=action,
            actor=actor,
            from_status=from_status,
            to_status=to_status,
            reason=reason,
            details=details or {},
        )
    )


async def list_cases(
    session: AsyncSession,
    *,
    scope: Scope,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None = None,
) -> Sequence[Case]:
    """Cases newest first by (submitted_at, id), starting after the given key."""
    if scope is not None and not scope:
        return []
    statement = select(Case).order_by(Case.submitted_at.desc(), Case.id.desc()).limit(limit)
    if scope is not None:
        statement = statement.where(Case.municipality_code.in_(scope))
    if after is not None:
        statement = statement.where(tuple_(Case.submitted_at, Case.id) < tuple_(*after))
    return (await session.scalars(statement)).all()


async def get_case(session: AsyncSession, *, case_id: uuid.UUID, scope: Scope) -> Case | None:
    """The case with its household, revisions and history, if it is in scope."""
    if scope is not None and not scope:
        return None
    statement = (
        select(Case)
        .where(Case.id == case_id)
        .options(
            selectinload(Case.household),
            selectinload(Case.revisions),
            selectinload(Case.history),
        )
    )
    if scope is not None:
        statement = statement.where(Case.municipality_code.in_(scope))
    return (await session.scalars(statement)).one_or_none()


async def count_by_status(
    session: AsyncSession, *, municipalities: tuple[str, ...]
) -> list[StatusCount]:
    """Applications, adults and persons per status: one aggregate over the overview index."""
    rows = await session.execute(
        select(
            Case.status,
            func.count(),
            func.sum(Case.adults),
            func.sum(Case.persons),
        )
        .where(Case.municipality_code.in_(municipalities))
        .group_by(Case.status)
    )
    return [
        StatusCount(
            status=status, applications=int(count), adults=int(adults), persons=int(persons)
        )
        for status, count, adults, persons in rows
    ]
