"""The work list: a count per item, with the list filter that shows exactly those cases."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from cases.worklist import repository
from cases.worklist.items import Today
from cases.worklist.repository import Assignee
from contracts.vocabulary import WORK_ITEM_LABEL, WorkItem


@dataclass(frozen=True)
class ItemCount:
    item: WorkItem
    label: str
    count: int
    filter: dict[str, str | list[str]]


def list_filter(
    item: WorkItem, *, municipalities: tuple[str, ...] | None, assignee: Assignee
) -> dict[str, str | list[str]]:
    """The `GET /cases` query parameters that list exactly what the item counts."""
    found: dict[str, str | list[str]] = {"worklist": item.value}
    if municipalities is not None:
        found["municipality"] = list(municipalities)
    if assignee is not None:
        found["assigned_to"] = assignee
    return found


async def work_list(
    *,
    session: AsyncSession,
    municipalities: tuple[str, ...] | None,
    assignee: Assignee,
    today: Today,
) -> list[ItemCount]:
    """Every item of the work list, in display order, zeros included."""
    items = list(WORK_ITEM_LABEL)
    counts = await repository.count_items(
        session, items=items, municipalities=municipalities, today=today, assignee=assignee
    )
    return [
        ItemCount(
            item=item,
            label=WORK_ITEM_LABEL[item],
            count=counts[item],
            filter=list_filter(item, municipalities=municipalities, assignee=assignee),
        )
        for item in items
    ]
