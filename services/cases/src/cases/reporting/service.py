"""Finding and counting cases: a page of the list, the overview per category; functions take a
session and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from cases.models import Case
from cases.reporting import search
from cases.reporting.filters import CaseFilter
from cases.reporting.search import SortKey, StatusCount
from cases.statuses import CATEGORIES, Category, category_of
from cases.worklist import repository as worklist
from cases.worklist.items import Today
from contracts.vocabulary import DeadlineFilter, WorkItem


async def list_cases(
    *,
    session: AsyncSession,
    case_filter: CaseFilter,
    limit: int,
    after: SortKey | None,
) -> tuple[Sequence[Case], bool]:
    """One page of the cases matching the filter, in its order, and whether more follow."""
    rows = await search.list_page(session, case_filter=case_filter, limit=limit + 1, after=after)
    return rows[:limit], len(rows) > limit


@dataclass(frozen=True)
class Totals:
    applications: int = 0
    adults: int = 0
    persons: int = 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.applications + other.applications,
            self.adults + other.adults,
            self.persons + other.persons,
        )


def totals_per_category(counts: Sequence[StatusCount]) -> dict[Category, Totals]:
    """Fold per-status counts into every overview category, in overview order, zeros included."""
    totals = dict.fromkeys(CATEGORIES, Totals())
    for count in counts:
        category = category_of(count.status)
        totals[category] += Totals(count.applications, count.adults, count.persons)
    return totals


async def overview(
    *,
    session: AsyncSession,
    municipalities: tuple[str, ...],
    kind: str | None = None,
    campaign: str | None = None,
    submitted_from: datetime | None = None,
    submitted_before: datetime | None = None,
) -> dict[Category, Totals]:
    """Applications, adults and persons per overview category for these municipalities,
    optionally only of one kind, one campaign, or submitted in a period."""
    counts = await search.count_by_status(
        session,
        municipalities=municipalities,
        kind=kind,
        campaign=campaign,
        submitted_from=submitted_from,
        submitted_before=submitted_before,
    )
    return totals_per_category(counts)


DEADLINE_ITEMS: dict[DeadlineFilter, WorkItem] = {
    DeadlineFilter.WITHIN_7_DAYS: WorkItem.DECISION_DUE_SOON,
    DeadlineFilter.PASSED: WorkItem.DECISION_OVERDUE,
}
"""The deadline filter's values as the work list's items (the same conditions)."""


async def deadlines(
    *,
    session: AsyncSession,
    municipalities: tuple[str, ...],
    today: Today,
    kind: str | None = None,
    campaign: str | None = None,
    submitted_from: datetime | None = None,
    submitted_before: datetime | None = None,
) -> dict[DeadlineFilter, int]:
    """Undecided cases whose decision term ends within seven days, and those past it, with the
    overview's filters."""
    counts = await worklist.count_items(
        session,
        items=list(DEADLINE_ITEMS.values()),
        municipalities=municipalities,
        today=today,
        extra=search.overview_conditions(
            kind=kind,
            campaign=campaign,
            submitted_from=submitted_from,
            submitted_before=submitted_before,
        ),
    )
    return {deadline: counts[item] for deadline, item in DEADLINE_ITEMS.items()}
