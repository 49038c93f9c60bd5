"""The HTTP models of the cases service's work list (*Te doen*): `GET /worklist`."""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from contracts.vocabulary import WorkItem

_EXAMPLE: dict[str, Any] = {
    "day": "2026-12-07",
    "municipalities": ["0363"],
    "assignee": "staff-1",
    "items": [
        {
            "item": "advice_to_decide",
            "label": "Nieuwe adviezen om te beslissen",
            "count": 12,
            "filter": {
                "worklist": "advice_to_decide",
                "municipality": ["0363"],
                "assigned_to": "staff-1",
            },
        }
    ],
}


class WorkItemCount(BaseModel):
    """How many cases wait for one thing, and the case list's query that shows exactly them."""

    item: WorkItem
    label: str = Field(description="the item in Dutch, as the screen shows it")
    count: int
    filter: dict[str, str | list[str]] = Field(
        description="query parameters of `GET /cases` that list exactly these cases "
        "(`worklist`, and `municipality` / `assigned_to` as asked)"
    )


class WorkList(BaseModel):
    """The work list of an organisation (its municipalities, or some of them) or of one user
    (the cases assigned to them), counted on `day` (Dutch calendar)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    day: date
    municipalities: list[str] | None = Field(
        description="the municipalities counted; null: all (platform users)"
    )
    assignee: str | None = Field(
        description="only the cases assigned to this user; `none`: the unassigned cases; "
        "null: everyone's"
    )
    items: list[WorkItemCount]
