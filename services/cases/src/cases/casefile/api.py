"""The internal HTTP API: parse, enforce the token's municipality scope, call the service."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request, status

from cases import audit, service
from cases.filters import (
    ListFilters,
    MunicipalityCode,
    day_end,
    day_start,
    decode_key,
    encode_key,
    requested_scope,
)
from cases.schemas import (
    CaseDetail,
    CasePage,
    CaseSummary,
    CategoryCounts,
    Counts,
    HistoryEntry,
    Overview,
    Revision,
    household_of,
)
from cases.search import sort_key
from cases.statuses import CaseKind, category_of
from contracts.api.common import errors
from servicekit.auth import Permission, Principal, require
from servicekit.http import DbSession, correlation_id_of

router = APIRouter(tags=["cases"])
Reader = Annotated[Principal, Depends(require(Permission.CASES_READ))]
OverviewReader = Annotated[Principal, Depends(require(Permission.OVERVIEW_READ))]


def _secret(request: Request, name: str) -> str:
    secret: str = getattr(request.app.state, name)
    return secret


@router.get(
    "/cases",
    response_model=CasePage,
    summary="List, search and filter cases (newest first unless sorted otherwise)",
    responses=errors(400, 401, 403, 404, 422),
)
async def list_cases(
    request: Request,
    principal: Reader,
    session: DbSession,
    case_filter: ListFilters,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(description="`next_cursor` of the previous page")] = None,
) -> CasePage:
    secret = _secret(request, "cursor_secret")
    after = decode_key(case_filter, cursor, secret=secret) if cursor else None
    cases, more = await service.list_cases(
        session=session, case_filter=case_filter, limit=limit, after=after
    )
    if case_filter.bsn is not None:
        # A search by BSN is an access to that person's data: logged in this transaction.
        counts: dict[str, int] = {}
        for case in cases:
            counts[case.municipality_code] = counts.get(case.municipality_code, 0) + 1
        await audit.record_many(
            session,
            access=audit.Access(principal, correlation_id_of(request)),
            action=audit.CASES_SEARCHED_BY_BSN,
            counts=audit.per_municipality(case_filter.scope, counts),
            details={"filter": case_filter.described(), "page": cursor is not None},
            data_subject_hash=audit.subject_hash(
                case_filter.bsn, secret=_secret(request, "bsn_hash_secret")
            ),
        )
    next_cursor = None
    if more and cases:
        next_cursor = encode_key(case_filter, sort_key(cases[-1], case_filter.sort), secret=secret)
    return CasePage(
        items=[CaseSummary.model_validate(case) for case in cases], next_cursor=next_cursor
    )


@router.get(
    "/cases/{case_id}",
    response_model=CaseDetail,
    summary="One case with its household, revisions and history",
    responses=errors(401, 403, 404, 422),
)
async def get_case(
    request: Request, case_id: uuid.UUID, principal: Reader, session: DbSession
) -> CaseDetail:
    case = await service.get_case(
        session=session, case_id=case_id, scope=requested_scope(principal, None)
    )
    if case is None or not principal.may_see(case.municipality_code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "case not found")
    # Every view of a case file is logged, in the transaction that reads it.
    applicant = next((p.bsn for p in case.household if p.role == "applicant"), None)
    await audit.record_view(
        session,
        access=audit.Access(principal, correlation_id_of(request)),
        case_id=case.id,
        municipality_code=case.municipality_code,
        applicant_bsn=applicant,
        secret=_secret(request, "bsn_hash_secret"),
    )
    return CaseDetail(
        **CaseSummary.model_validate(case).model_dump(),
        category=category_of(case.status),
        application_id=case.application_id,
        revision=case.revision,
        corrected=case.corrected,
        created_at=case.created_at,
        updated_at=case.updated_at,
        household=household_of(case.household),
        revisions=[Revision.model_validate(revision) for revision in case.revisions],
        history=[HistoryEntry.model_validate(entry) for entry in case.history],
    )


@router.get(
    "/overview",
    response_model=Overview,
    summary="Applications, adults and persons per status category",
    responses=errors(401, 403, 404, 422),
)
async def overview(
    principal: OverviewReader,
    session: DbSession,
    municipality: Annotated[
        list[MunicipalityCode],
        Query(min_length=1, description="One or more municipalities (CBS codes), all in scope"),
    ],
    kind: Annotated[CaseKind | None, Query()] = None,
    campaign: Annotated[str | None, Query(min_length=1, max_length=100)] = None,
    submitted_from: Annotated[date | None, Query(description="First day, inclusive")] = None,
    submitted_to: Annotated[date | None, Query(description="Last day, inclusive")] = None,
) -> Overview:
    scope = requested_scope(principal, municipality) or ()
    totals = await service.overview(
        session=session,
        municipalities=scope,
        kind=kind.value if kind else None,
        campaign=campaign,
        submitted_from=day_start(submitted_from),
        submitted_before=day_end(submitted_to),
    )
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
