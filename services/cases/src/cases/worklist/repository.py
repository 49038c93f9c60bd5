"""The work list's queries: every count one scalar subquery over its partial index, all in
one statement (one round trip)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from cases.models import Case
from cases.worklist.items import Today, item_condition
from contracts.vocabulary import WorkItem

Assignee = str | None
NOBODY = "none"
"""`assignee=none`: the cases nobody is assigned to."""


def assignee_condition(assignee: Assignee) -> list[ColumnElement[bool]]:
    if assignee is None:
        return []
    if assignee == NOBODY:
        return [Case.assigned_to.is_(None)]
    return [Case.assigned_to == assignee]


def count_statement(
    *,
    items: Sequence[WorkItem],
    municipalities: tuple[str, ...] | None,
    today: Today,
    assignee: Assignee = None,
    extra: Sequence[ColumnElement[bool]] = (),
) -> Select[Any]:
    """One row: per item, how many cases of these municipalities (None: all) it counts."""
    scope = [] if municipalities is None else [Case.municipality_code.in_(municipalities)]
    who = assignee_condition(assignee)
    return select(
        *(
            select(func.count())
            .select_from(Case)
            .where(*scope, *who, *extra, item_condition(item, today))
            .scalar_subquery()
            .label(item.value)
            for item in items
        )
    )


async def count_items(
    session: AsyncSession,
    *,
    items: Sequence[WorkItem],
    municipalities: tuple[str, ...] | None,
    today: Today,
    assignee: Assignee = None,
    extra: Sequence[ColumnElement[bool]] = (),
) -> dict[WorkItem, int]:
    """How many cases of these municipalities (None: all) each item counts on `today`."""
    if not items or (municipalities is not None and not municipalities):
        return dict.fromkeys(items, 0)
    statement = count_statement(
        items=items, municipalities=municipalities, today=today, assignee=assignee, extra=extra
    )
    row = (await session.execute(statement)).one()
    return {item: int(count) for item, count in zip(items, row, strict=True)}
