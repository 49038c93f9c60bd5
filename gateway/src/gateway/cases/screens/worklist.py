"""Te doen: per item how many cases wait, for the signed-in user (Mijn taken) or for the whole
organisation; each count links to the case list with that item's `worklist=` filter."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request, Response

from gateway.ui.backend import call
from gateway.ui.web import CaseReader, PageNotFoundError, Staff, render

router = APIRouter(prefix="/ui", include_in_schema=False)

VIEWS = {"mij": "Mijn taken", "organisatie": "Hele organisatie"}
"""The two views: the cases assigned to me, or everyone's cases of the organisation."""


@dataclass(frozen=True)
class WorkLine:
    label: str
    count: int
    link: str


def _list_query(staff: Staff, query: dict[str, Any]) -> str:
    """The service's list filter as the screen's list takes it (`me` for the user's own)."""
    pairs: list[tuple[str, str]] = []
    for name, value in query.items():
        for one in value if isinstance(value, list) else [value]:
            text = str(one)
            if name == "assigned_to" and text == staff.principal.subject:
                text = "me"
            pairs.append((name, text))
    return urlencode(pairs)


@router.get("/te-doen")
async def work_list(
    request: Request,
    staff: CaseReader,
    weergave: Annotated[str, Query(max_length=20)] = "mij",
) -> Response:
    if weergave not in VIEWS:
        raise PageNotFoundError
    params = [("assignee", "me")] if weergave == "mij" else []
    answer = await call(request, staff, "cases", "GET", "/worklist", params=params)
    data = answer.data if answer.ok and isinstance(answer.data, dict) else None
    lines = [
        WorkLine(
            label=str(item.get("label", "")),
            count=int(item.get("count", 0)),
            link="/ui/cases?" + _list_query(staff, dict(item.get("filter") or {})),
        )
        for item in (data or {}).get("items", [])
        if isinstance(item, dict)
    ]
    return render(
        request,
        "worklist.html",
        staff=staff,
        active="te-doen",
        views=VIEWS,
        view=weergave,
        lines=lines,
        day=(data or {}).get("day"),
        error="" if data is not None else answer.message(),
    )
