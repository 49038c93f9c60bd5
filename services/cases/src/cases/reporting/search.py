"""The queries of the case list, its exports and the filtered overview.

Every filter is a condition the indexes of migration 0004 answer: names through the GIN
index on `case_persons (municipality_code, search_name)` (trigrams, only the caller's
municipalities), BSN and postal code through btree indexes, the rest through the composite
indexes on `cases`. Pages use keyset pagination on (sort key, id), never OFFSET, so a page
costs the same at the end of the list as at its start.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Select,
    Uuid,
    and_,
    any_,
    cast,
    func,
    literal,
    select,
    tuple_,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from cases.models import Case, CasePerson
from cases.reporting.filters import LOCAL_TIME, CaseFilter, Sort
from cases.statuses import CaseStatus
from cases.worklist.items import Today, deadline_condition, item_condition

SortKey = tuple[Any, uuid.UUID]
"""The sort value and id of the last row of a page: where the next page starts."""


@dataclass(frozen=True)
class SortOrder:
    column: InstrumentedAttribute[Any]
    descending: bool


SORT_ORDERS: dict[Sort, SortOrder] = {
    Sort.SUBMITTED: SortOrder(Case.submitted_at, descending=False),
    Sort.SUBMITTED_DESC: SortOrder(Case.submitted_at, descending=True),
    Sort.CHANGED: SortOrder(Case.status_changed_at, descending=False),
    Sort.CHANGED_DESC: SortOrder(Case.status_changed_at, descending=True),
    Sort.NUMBER: SortOrder(Case.application_number, descending=False),
}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _normalised(text: str) -> ColumnElement[str]:
    """Lower-cased and without accents by the same function as `search_name`."""
    return func.lower(func.public.f_unaccent(text))


def _number_ends_with(digits: str) -> ColumnElement[bool]:
    """The application number ends in these digits, leading zeros aside: "308" and "0000308"
    find GV-2026-0000308 (not GV-2026-0001308); with a dash ("2026-0000308") the end as typed.
    A scan of the caller's municipalities' cases, which the scope condition narrows."""
    if "-" in digits:
        return func.upper(Case.application_number).like(
            literal("%") + literal(_escape_like(digits.upper()))
        )
    significant = digits.lstrip("0") or "0"
    if not significant.isdigit():
        return literal(False)
    return Case.application_number.regexp_match(f"(^|[^0-9])0*{significant}$")


def _person_conditions(case_filter: CaseFilter) -> list[list[ColumnElement[bool]]]:
    """Per search on the household (name or postal code, BSN): what one person must match."""
    groups: list[list[ColumnElement[bool]]] = []
    query = case_filter.q
    if query is not None and query.kind == "postal_code":
        postal = func.upper(func.replace(CasePerson.postal_code, " ", ""))
        groups.append([postal == query.value])
    elif query is not None and query.kind == "name":
        groups.append(
            [
                CasePerson.search_name.like(
                    literal("%") + _normalised(_escape_like(word)) + literal("%")
                )
                for word in query.words
            ]
        )
    if case_filter.bsn is not None:
        groups.append([CasePerson.bsn == case_filter.bsn])
    if case_filter.scope is not None:
        for group in groups:
            group.append(CasePerson.municipality_code.in_(case_filter.scope))
    return groups


def conditions(
    case_filter: CaseFilter, *, case_ids: Sequence[uuid.UUID] | None = None
) -> list[ColumnElement[bool]]:
    """The WHERE conditions of a filter, scope first (an empty scope matches nothing).

    The household searches become `id IN (SELECT case_id FROM case_persons WHERE ...)`, or,
    when the caller looked the matching cases up first, `id = ANY(case_ids)`.
    """
    found: list[ColumnElement[bool]] = []
    if case_filter.scope is not None:
        found.append(Case.municipality_code.in_(case_filter.scope))
    if case_ids is not None:
        found.append(Case.id == any_(cast(literal(list(case_ids), ARRAY(Uuid)), ARRAY(Uuid))))
    else:
        found.extend(
            Case.id.in_(select(CasePerson.case_id).where(*group))
            for group in _person_conditions(case_filter)
        )
    if case_filter.q is not None and case_filter.q.kind == "application_number":
        found.append(Case.application_number == case_filter.q.value)
    if case_filter.q is not None and case_filter.q.kind == "number_part":
        found.append(_number_ends_with(case_filter.q.value))
    if case_filter.statuses:
        found.append(Case.status.in_(case_filter.statuses))
    if case_filter.kind is not None:
        found.append(Case.kind == case_filter.kind)
    found.extend(_handling_conditions(case_filter))
    found.extend(
        overview_conditions(
            campaign=case_filter.campaign,
            submitted_from=case_filter.submitted_from,
            submitted_before=case_filter.submitted_before,
        )
    )
    if case_filter.changed_from is not None:
        found.append(Case.status_changed_at >= case_filter.changed_from)
    if case_filter.changed_before is not None:
        found.append(Case.status_changed_at < case_filter.changed_before)
    return found


def _handling_conditions(case_filter: CaseFilter) -> list[ColumnElement[bool]]:
    """Advice, hold, assignment, the decision term and the work list's items."""
    found: list[ColumnElement[bool]] = []
    if case_filter.advice is not None:
        found.append(Case.advice == case_filter.advice)
    if case_filter.on_hold is not None:
        held = Case.status == CaseStatus.ON_HOLD.value
        found.append(held if case_filter.on_hold else ~held)
    if case_filter.assigned_to is not None:
        found.append(Case.assigned_to == case_filter.assigned_to)
    if case_filter.unassigned:
        found.append(Case.assigned_to.is_(None))
    if case_filter.deadline is not None or case_filter.worklist is not None:
        today = Today.now()
        if case_filter.deadline is not None:
            found.append(deadline_condition(case_filter.deadline, today))
        if case_filter.worklist is not None:
            found.append(item_condition(case_filter.worklist, today))
    return found


async def _matching_case_ids(
    session: AsyncSession, case_filter: CaseFilter
) -> list[uuid.UUID] | None:
    """The cases the household searches match, when they are few (else None).

    A page is `ORDER BY key LIMIT n`: given a semi-join, PostgreSQL likes to walk the sort
    index and test each case, which reads a whole municipality when a name is rare. Looking
    the few matches up first (trigram/BTREE index) and passing them as an array lets it fetch
    them by primary key and sort a handful instead; many matches are dense enough for the walk.
    """
    found: set[uuid.UUID] | None = None
    for group in _person_conditions(case_filter):
        statement = select(CasePerson.case_id).where(*group).limit(PERSON_MATCHES_LOOKED_UP + 1)
        ids = set((await session.scalars(statement)).all())
        if len(ids) > PERSON_MATCHES_LOOKED_UP:
            return None
        found = ids if found is None else found & ids
    return None if found is None else sorted(found)


PERSON_MATCHES_LOOKED_UP = 5000


def overview_conditions(
    *,
    kind: str | None = None,
    campaign: str | None = None,
    submitted_from: datetime | None = None,
    submitted_before: datetime | None = None,
) -> list[ColumnElement[bool]]:
    """The filters the overview shares with the list (all answered by the overview index)."""
    found: list[ColumnElement[bool]] = []
    if kind is not None:
        found.append(Case.kind == kind)
    if campaign is not None:
        found.append(Case.campaign == campaign)
    if submitted_from is not None:
        found.append(Case.submitted_at >= submitted_from)
    if submitted_before is not None:
        found.append(Case.submitted_at < submitted_before)
    return found


@dataclass(frozen=True)
class StatusCount:
    status: str
    applications: int
    adults: int
    persons: int


async def count_by_status(
    session: AsyncSession,
    *,
    municipalities: tuple[str, ...],
    kind: str | None = None,
    campaign: str | None = None,
    submitted_from: datetime | None = None,
    submitted_before: datetime | None = None,
) -> list[StatusCount]:
    """Applications, adults and persons per status: one aggregate over the overview index,
    which holds every filtered column, so it is answered from the index alone."""
    filters = overview_conditions(
        kind=kind,
        campaign=campaign,
        submitted_from=submitted_from,
        submitted_before=submitted_before,
    )
    rows = await session.execute(
        select(
            Case.status,
            func.count(),
            func.sum(Case.adults),
            func.sum(Case.persons),
        )
        .where(Case.municipality_code.in_(municipalities), *filters)
        .group_by(Case.status)
    )
    return [
        StatusCount(
            status=status, applications=int(count), adults=int(adults), persons=int(persons)
        )
        for status, count, adults, persons in rows
    ]


def _ordered(statement: Select[Any], sort: Sort, after: SortKey | None) -> Select[Any]:
    order = SORT_ORDERS[sort]
    key = tuple_(order.column, Case.id)
    if after is not None:
        bound = tuple_(literal(after[0], order.column.type), literal(after[1], Case.id.type))
        statement = statement.where(key < bound if order.descending else key > bound)
    if order.descending:
        return statement.order_by(order.column.desc(), Case.id.desc())
    return statement.order_by(order.column.asc(), Case.id.asc())


def sort_key(case: Case, sort: Sort) -> SortKey:
    """Where the page after this case starts."""
    return getattr(case, SORT_ORDERS[sort].column.key), case.id


def list_statement(
    case_filter: CaseFilter,
    *,
    limit: int,
    after: SortKey | None,
    case_ids: Sequence[uuid.UUID] | None = None,
) -> Select[Any]:
    """The query of one page (also what the index tests EXPLAIN)."""
    statement = select(Case).where(*conditions(case_filter, case_ids=case_ids)).limit(limit)
    return _ordered(statement, case_filter.sort, after)


async def list_page(
    session: AsyncSession, *, case_filter: CaseFilter, limit: int, after: SortKey | None
) -> Sequence[Case]:
    """Up to `limit` cases matching the filter, in its order, after the given key."""
    if case_filter.scope is not None and not case_filter.scope:
        return []
    case_ids = await _matching_case_ids(session, case_filter)
    if case_ids is not None and not case_ids:
        return []
    statement = list_statement(case_filter, limit=limit, after=after, case_ids=case_ids)
    return (await session.scalars(statement)).all()


COUNT_LIMIT = 10_000
"""Counted up to here and no further: a list of 1,000,000 cases costs no more than one of
10,000, and "more than 10.000" says enough to someone reading a list."""


async def count(session: AsyncSession, *, case_filter: CaseFilter) -> int:
    """How many cases match the filter, up to COUNT_LIMIT + 1 (more than the limit)."""
    if case_filter.scope is not None and not case_filter.scope:
        return 0
    case_ids = await _matching_case_ids(session, case_filter)
    if case_ids is not None and not case_ids:
        return 0
    matching = (
        select(Case.id)
        .where(*conditions(case_filter, case_ids=case_ids))
        .limit(COUNT_LIMIT + 1)
        .subquery()
    )
    return int(await session.scalar(select(func.count()).select_from(matching)) or 0)


async def applicant_names(
    session: AsyncSession, case_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The applicant's name per case, as a person reads it: "Ayşe de Vries", "A. Bakker"."""
    if not case_ids:
        return {}
    rows = await session.execute(
        select(
            CasePerson.case_id,
            CasePerson.first_name,
            CasePerson.initials,
            CasePerson.prefix,
            CasePerson.last_name,
        ).where(CasePerson.case_id.in_(case_ids), CasePerson.position == 0)
    )
    return {
        case_id: " ".join(part for part in (first or initials, prefix, last) if part)
        for case_id, first, initials, prefix, last in rows
    }


async def applicant_bsns(
    session: AsyncSession, case_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """The applicant's BSN per case (for the access log's data subject, never shown)."""
    if not case_ids:
        return {}
    rows = await session.execute(
        select(CasePerson.case_id, CasePerson.bsn).where(
            CasePerson.case_id.in_(case_ids), CasePerson.position == 0
        )
    )
    return {row.case_id: row.bsn for row in rows}


async def count_per_municipality(
    session: AsyncSession, *, case_filter: CaseFilter
) -> dict[str, int]:
    """How many cases match the filter, per municipality (for the access log of an export)."""
    if case_filter.scope is not None and not case_filter.scope:
        return {}
    rows = await session.execute(
        select(Case.municipality_code, func.count())
        .where(*conditions(case_filter))
        .group_by(Case.municipality_code)
    )
    return {code: int(count) for code, count in rows}


def _local(moment: InstrumentedAttribute[datetime], *, as_text: bool) -> ColumnElement[Any]:
    """A moment in Dutch local time: as text `dd-mm-jjjj uu:mm` (CSV) or a naive timestamp
    (spreadsheets know no time zones); formatted by PostgreSQL, much faster than Python."""
    local = func.timezone(LOCAL_TIME.key, moment)
    return func.to_char(local, "DD-MM-YYYY HH24:MI") if as_text else local


async def stream_export_rows(
    session: AsyncSession,
    *,
    case_filter: CaseFilter,
    with_bsn: bool,
    times_as_text: bool,
    batch_size: int = 5000,
) -> AsyncIterator[Sequence[tuple[Any, ...]]]:
    """The export's rows in batches from a server-side cursor (constant memory): number,
    kind, status, advice, decision, submitted, changed, adults, persons, municipality and,
    when asked, the applicant's BSN."""
    if case_filter.scope is not None and not case_filter.scope:
        return
    statement = select(
        Case.application_number,
        Case.kind,
        Case.status,
        Case.advice,
        Case.decision,
        _local(Case.submitted_at, as_text=times_as_text),
        _local(Case.status_changed_at, as_text=times_as_text),
        Case.adults,
        Case.persons,
        Case.municipality_code,
    )
    if with_bsn:
        applicant = CasePerson.__table__.alias("applicant")
        statement = statement.add_columns(applicant.c.bsn).outerjoin(
            applicant, and_(applicant.c.case_id == Case.id, applicant.c.position == 0)
        )
    statement = _ordered(statement.where(*conditions(case_filter)), case_filter.sort, None)
    result = await session.stream(statement.execution_options(yield_per=batch_size))
    async for partition in result.partitions():
        yield [tuple(row) for row in partition]
