"""The internal HTTP API: parse, enforce the token's municipality scope, call the service."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from pydantic import StringConstraints

from cases import service
from cases.models import Case
from cases.repository import Scope
from cases.schemas import (
    CaseDetail,
    CasePage,
    CaseSummary,
    CategoryCounts,
    Counts,
    HistoryEntry,
    Household,
    Overview,
    Revision,
)
from cases.statuses import category_of
from servicekit.auth import CurrentPrincipal, Principal
from servicekit.cursors import InvalidCursorError, decode_cursor, encode_cursor
from servicekit.http import DbSession

router = APIRouter(tags=["cases"])

MunicipalityCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]
_NOT_FOUND = {"description": "Not found, or outside the caller's municipalities"}
_UNAUTHORIZED = {"description": "Internal token missing, invalid or expired"}


def _requested(principal: Principal, requested: list[str]) -> tuple[str, ...]:
    """The requested municipalities, each of which must be visible (else 404, as if missing)."""
    if not all(principal.may_see(code) for code in requested):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "municipality not found")
    return tuple(dict.fromkeys(requested))


def _scope(principal: Principal, requested: list[str] | None) -> Scope:
    """The municipalities to query: the requested ones, else every one the caller may see."""
    if requested:
        return _requested(principal, requested)
    return None if principal.all_municipalities else principal.municipalities


def _cursor_secret(request: Request) -> str:
    secret: str = request.app.state.cursor_secret
    return secret


def _encode(case: Case, *, secret: str) -> str:
    return encode_cursor({"s": case.submitted_at.isoformat(), "i": str(case.id)}, secret=secret)


def _decode(cursor: str, *, secret: str) -> tuple[datetime, uuid.UUID]:
    values = decode_cursor(cursor, secret=secret)
    try:
        return datetime.fromisoformat(values["s"]), uuid.UUID(values["i"])
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidCursorError("cursor is not valid; start again from the first page") from error


@router.get(
    "/cases",
    response_model=CasePage,
    summary="List cases, newest first",
    responses={
        400: {"description": "Cursor invalid or tampered with"},
        401: _UNAUTHORIZED,
        404: _NOT_FOUND,
    },
)
async def list_cases(
    request: Request,
    principal: CurrentPrincipal,
    session: DbSession,
    municipality: Annotated[
        list[MunicipalityCode] | None,
        Query(description="Only these municipalities (CBS codes); default: all in scope"),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
) -> CasePage:
    scope = _scope(principal, municipality)
    secret = _cursor_secret(request)
    after = _decode(cursor, secret=secret) if cursor else None
    cases, more = await service.list_cases(session=session, scope=scope, limit=limit, after=after)
    return CasePage(
        items=[CaseSummary.model_validate(case) for case in cases],
        next_cursor=_encode(cases[-1], secret=secret) if more and cases else None,
    )


@router.get(
    "/cases/{case_id}",
    response_model=CaseDetail,
    summary="One case with its household, revisions and history",
    responses={401: _UNAUTHORIZED, 404: _NOT_FOUND},
)
async def get_case(
    case_id: uuid.UUID, principal: CurrentPrincipal, session: DbSession
) -> CaseDetail:
    case = await service.get_case(session=session, case_id=case_id, scope=_scope(principal, None))
    if case is None or not principal.may_see(case.municipality_code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "case not found")
    return CaseDetail(
        **CaseSummary.model_validate(case).model_dump(),
        category=category_of(case.status),
        application_id=case.application_id,
        revision=case.revision,
        corrected=case.corrected,
        created_at=case.created_at,
        updated_at=case.updated_at,
        household=Household.from_persons(case.household),
        revisions=[Revision.model_validate(revision) for revision in case.revisions],
        history=[HistoryEntry.model_validate(entry) for entry in case.history],
    )


@router.get(
    "/overview",
    response_model=Overview,
    summary="Applications, adults and persons per status category",
    responses={401: _UNAUTHORIZED, 404: _NOT_FOUND},
)
async def overview(
    principal: CurrentPrincipal,
    session: DbSession,
    municipality: Annotated[
        list[MunicipalityCode],
        Query(min_length=1, description="One or more municipalities (CBS codes), all in scope"),
    ],
) -> Overview:
    scope = _requested(principal, municipality)
    totals = await service.overview(session=session, municipalities=scope)
    categories = [
        CategoryCounts(
            category=category,
            applications=counts.applications,
            adults=counts.adults,
            persons=counts.persons,
        )
        for category, counts in totals.items()
    ]
    return Overview(
        categories=categories,
        total=Counts(
            applications=sum(c.applications for c in categories),
            adults=sum(c.adults for c in categories),
            persons=sum(c.persons for c in categories),
        ),
    )
