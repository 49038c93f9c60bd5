"""The internal HTTP API of reporting: the case list (search and filters), its exports, the
overview counts and the access log (Logboek Dataverwerkingen).

Included before the case file's router: `/cases/export.csv` must not be taken for
`/cases/{case_id}`.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from cases.models import Case
from cases.reporting import audit, exports, search, service
from cases.reporting.filters import (
    LOCAL_TIME,
    Bsn,
    CaseFilter,
    ListFilters,
    MunicipalityCode,
    day_end,
    day_start,
    decode_key,
    encode_key,
    requested_scope,
)
from cases.reporting.schemas import (
    AuditEntry,
    AuditPage,
    CasePage,
    CaseSummary,
    CategoryCounts,
    Counts,
    DeadlineCounts,
    Overview,
)
from cases.reporting.search import sort_key
from cases.statuses import CaseKind
from cases.worklist.items import Today
from contracts.api.common import errors
from contracts.vocabulary import DeadlineFilter
from servicekit.auth import Permission, Principal, require
from servicekit.cursors import InvalidCursorError, decode_cursor, encode_cursor
from servicekit.http import DbSession, correlation_id_of
from servicekit.runtime import ServiceRuntime

router = APIRouter()

Reader = Annotated[Principal, Depends(require(Permission.CASES_READ))]
OverviewReader = Annotated[Principal, Depends(require(Permission.OVERVIEW_READ))]
Exporter = Annotated[Principal, Depends(require(Permission.CASES_EXPORT))]
Auditor = Annotated[Principal, Depends(require(Permission.AUDIT_READ))]

_EXPORT_RESPONSES = errors(401, 403, 404, 422)
_MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _settings(request: Request, name: str) -> str:
    value: str = getattr(request.app.state, name)
    return value


async def _start_export(
    request: Request,
    session: DbSession,
    principal: Principal,
    case_filter: CaseFilter,
    file_format: str,
) -> StreamingResponse:
    """Log the export (committed before the first row leaves), then stream it."""
    with_bsn = principal.role in exports.BSN_ROLES
    counts = await search.count_per_municipality(session, case_filter=case_filter)
    await audit.record_many(
        session,
        access=audit.Access(principal, correlation_id_of(request)),
        action=audit.CASES_EXPORTED,
        counts=audit.per_municipality(case_filter.scope, counts),
        details={
            "filter": case_filter.described(),
            "format": file_format,
            "bsn_column": with_bsn,
        },
        data_subject_hash=audit.subject_hash(
            case_filter.bsn, secret=_settings(request, "bsn_hash_secret")
        )
        if case_filter.bsn
        else None,
    )
    runtime: ServiceRuntime = request.app.state.runtime
    stream = exports.csv_stream if file_format == "csv" else exports.xlsx_stream
    today = datetime.now(LOCAL_TIME).date().isoformat()
    return StreamingResponse(
        stream(runtime.database, case_filter=case_filter, with_bsn=with_bsn),
        media_type=_MEDIA_TYPES[file_format],
        headers={
            "Content-Disposition": f'attachment; filename="cases-{today}.{file_format}"',
            "Cache-Control": "no-store",
        },
    )


@router.get(
    "/cases/export.csv",
    tags=["exports"],
    summary="The filtered case list as CSV (`;`, UTF-8 with BOM), streamed",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/csv": {}}}, **_EXPORT_RESPONSES},
)
async def export_csv(
    request: Request, session: DbSession, principal: Exporter, case_filter: ListFilters
) -> StreamingResponse:
    return await _start_export(request, session, principal, case_filter, "csv")


@router.get(
    "/cases/export.xlsx",
    tags=["exports"],
    summary="The filtered case list as an Excel workbook, streamed",
    response_class=StreamingResponse,
    responses={200: {"content": {_MEDIA_TYPES["xlsx"]: {}}}, **_EXPORT_RESPONSES},
)
async def export_xlsx(
    request: Request, session: DbSession, principal: Exporter, case_filter: ListFilters
) -> StreamingResponse:
    return await _start_export(request, session, principal, case_filter, "xlsx")


def _audit_fingerprint(query: audit.AuditQuery, *, secret: str) -> str:
    """A keyed digest of the query, so a cursor only continues the listing it came from."""
    return hmac.new(secret.encode(), repr(query).encode(), hashlib.sha256).hexdigest()[:24]


@router.get(
    "/audit",
    tags=["audit"],
    response_model=AuditPage,
    summary="The access log of the caller's municipalities, newest first (role auditor)",
    responses=errors(400, 401, 403, 422),
)
async def audit_log(
    request: Request,
    session: DbSession,
    principal: Auditor,
    case_id: Annotated[uuid.UUID | None, Query()] = None,
    application_number: Annotated[
        str | None,
        Query(min_length=1, max_length=64, description="Entries about the case with this number"),
    ] = None,
    actor: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    bsn: Annotated[Bsn | None, Query(description="Entries about this person")] = None,
    from_: Annotated[date | None, Query(alias="from", description="First day")] = None,
    to: Annotated[date | None, Query(description="Last day, inclusive")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[str | None, Query()] = None,
) -> AuditPage:
    query = audit.AuditQuery(
        scope=None if principal.all_municipalities else principal.municipalities,
        case_id=case_id,
        application_number=application_number.strip().upper() if application_number else None,
        actor=actor,
        data_subject_hash=audit.subject_hash(bsn, secret=_settings(request, "bsn_hash_secret"))
        if bsn
        else None,
        occurred_from=day_start(from_),
        occurred_before=day_end(to),
    )
    secret = _settings(request, "cursor_secret")
    fingerprint = _audit_fingerprint(query, secret=secret)
    after = _decode(cursor, fingerprint, secret=secret) if cursor else None
    rows = await audit.entries(session, query=query, limit=limit + 1, after=after)
    page, more = rows[:limit], len(rows) > limit
    next_cursor = None
    if more and page:
        last = page[-1]
        next_cursor = encode_cursor(
            {"t": last.occurred_at.isoformat(), "i": last.id, "f": fingerprint}, secret=secret
        )
    return AuditPage(
        items=[AuditEntry.model_validate(row) for row in page], next_cursor=next_cursor
    )


SEARCH_ACTIONS = {
    "name": audit.CASES_SEARCHED_BY_NAME,
    "postal_code": audit.CASES_SEARCHED_BY_POSTAL_CODE,
}
"""The text searches on personal data (a number is not), by what `q` was taken for."""


async def _log_search(
    request: Request,
    session: DbSession,
    principal: Principal,
    case_filter: CaseFilter,
    cases: Sequence[Case],
    *,
    page: bool,
) -> None:
    """A search by name or postal code shows whose data it found: logged in this transaction,
    an entry per case shown (the BSN search keeps its entry per municipality, below)."""
    action = SEARCH_ACTIONS.get(case_filter.q.kind) if case_filter.q is not None else None
    if action is None:
        return
    bsns = await search.applicant_bsns(session, [case.id for case in cases])
    await audit.record_search(
        session,
        access=audit.Access(principal, correlation_id_of(request)),
        action=action,
        found=[
            audit.Found(case.id, case.application_number, case.municipality_code, bsns.get(case.id))
            for case in cases
        ],
        scope=case_filter.scope,
        details={"filter": case_filter.described(), "page": page},
        secret=_settings(request, "bsn_hash_secret"),
    )


def _decode(cursor: str, fingerprint: str, *, secret: str) -> tuple[datetime, int]:
    values = decode_cursor(cursor, secret=secret)
    if not hmac.compare_digest(str(values.get("f")), fingerprint):
        raise InvalidCursorError("the cursor belongs to another filter")
    try:
        return datetime.fromisoformat(values["t"]), int(values["i"])
    except (KeyError, TypeError, ValueError) as error:
        raise InvalidCursorError("cursor is not valid; start again from the first page") from error


@router.get(
    "/cases",
    tags=["cases"],
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
    secret = _settings(request, "cursor_secret")
    after = decode_key(case_filter, cursor, secret=secret) if cursor else None
    cases, more = await service.list_cases(
        session=session, case_filter=case_filter, limit=limit, after=after
    )
    await _log_search(request, session, principal, case_filter, cases, page=cursor is not None)
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
                case_filter.bsn, secret=_settings(request, "bsn_hash_secret")
            ),
        )
    next_cursor = None
    if more and cases:
        next_cursor = encode_key(case_filter, sort_key(cases[-1], case_filter.sort), secret=secret)
    names = await search.applicant_names(session, [case.id for case in cases])
    counted = await search.count(session, case_filter=case_filter)
    return CasePage(
        items=[
            CaseSummary.model_validate(case).model_copy(
                update={"applicant_name": names.get(case.id)}
            )
            for case in cases
        ],
        next_cursor=next_cursor,
        total=min(counted, search.COUNT_LIMIT),
        total_is_exact=counted <= search.COUNT_LIMIT,
    )


@router.get(
    "/overview",
    tags=["cases"],
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
    kind_value = kind.value if kind else None
    start, end = day_start(submitted_from), day_end(submitted_to)
    totals = await service.overview(
        session=session,
        municipalities=scope,
        kind=kind_value,
        campaign=campaign,
        submitted_from=start,
        submitted_before=end,
    )
    due = await service.deadlines(
        session=session,
        municipalities=scope,
        today=Today.now(),
        kind=kind_value,
        campaign=campaign,
        submitted_from=start,
        submitted_before=end,
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
        deadlines=DeadlineCounts(
            within_7_days=due[DeadlineFilter.WITHIN_7_DAYS], passed=due[DeadlineFilter.PASSED]
        ),
    )
