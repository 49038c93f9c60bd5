"""`GET /worklist`: the work list (*Te doen*) of an organisation or of one user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from cases.reporting.filters import MunicipalityCode, requested_scope
from cases.worklist import service
from cases.worklist.items import Today
from cases.worklist.schemas import WorkItemCount, WorkList
from contracts.api.common import errors
from servicekit.auth import Permission, Principal, require
from servicekit.http import DbSession

router = APIRouter()

# Every count links to the case list, so it needs what the list needs (not the overview's
# permission, which the operator holds too).
Reader = Annotated[Principal, Depends(require(Permission.CASES_READ))]


@router.get(
    "/worklist",
    tags=["cases"],
    response_model=WorkList,
    summary="Te doen: per item how many cases wait, and the case list's filter for them",
    responses=errors(401, 403, 404, 422),
)
async def work_list(
    principal: Reader,
    session: DbSession,
    municipality: Annotated[
        list[MunicipalityCode] | None,
        Query(description="These municipalities (CBS codes); default: all in scope"),
    ] = None,
    assignee: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=200,
            description="`me`, `none` (the unassigned cases) or a user's subject; "
            "default: everyone's cases",
        ),
    ] = None,
) -> WorkList:
    scope = requested_scope(principal, municipality)
    who = principal.subject if assignee == "me" else assignee
    today = Today.now()
    counts = await service.work_list(
        session=session, municipalities=scope, assignee=who, today=today
    )
    return WorkList(
        day=today.day,
        municipalities=list(scope) if scope is not None else None,
        assignee=who,
        items=[
            WorkItemCount(item=c.item, label=c.label, count=c.count, filter=c.filter)
            for c in counts
        ],
    )
