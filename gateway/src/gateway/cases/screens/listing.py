"""Overzicht (counts per status category) and the case list with its exports."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import RedirectResponse

from contracts.vocabulary import DEADLINE_FILTER_LABEL, WORK_ITEM_LABEL, DeadlineFilter
from gateway import scope
from gateway.organisations import list_organisations
from gateway.ui.backend import call
from gateway.ui.labels import ADVICE, CATEGORIES, CATEGORY_STATUSES, KINDS, SORTS, STATUSES
from gateway.ui.web import (
    CaseReader,
    Exporter,
    OverviewStaff,
    PageNotFoundError,
    Staff,
    municipalities_of,
    render,
    runtime,
)
from servicekit.auth import Permission, public

router = APIRouter(prefix="/ui", include_in_schema=False)

OVERVIEW_FILTERS = ("kind", "submitted_from", "submitted_to", "campaign")
LIST_FILTERS = (
    "q",
    "status",
    "category",
    "kind",
    "advice",
    "on_hold",
    "assigned_to",
    "campaign",
    "submitted_from",
    "submitted_to",
    "deadline",
    "worklist",
    "sort",
)
PAGE_SIZE = "25"
_BSN = re.compile(r"^[0-9]{9}$")


@dataclass(frozen=True)
class ScopeOption:
    value: str
    label: str
    is_isd: bool


async def _scope_options(request: Request, staff: Staff) -> list[ScopeOption]:
    """What the overview can show: an ISD and each member, a municipality, or (platform) all."""
    async with runtime(request).database.transaction() as session:
        organisations = await list_organisations(session)
    names = {o.id: o.name for o in organisations}
    principal = staff.principal
    if staff.organisation_kind == "isd":
        own = [ScopeOption(principal.organisation, f"{staff.organisation_name} (alle)", True)]
        return own + [
            ScopeOption(code, names.get(code, code), False) for code in principal.municipalities
        ]
    if staff.organisation_kind == "municipality":
        return [ScopeOption(principal.organisation, staff.organisation_name, False)]
    return [
        ScopeOption(o.id, o.name + (" (ISD)" if o.kind == "isd" else ""), o.kind == "isd")
        for o in organisations
        if o.kind != "platform"
    ]


def _is_overview(data: object) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("categories"), list)
        and isinstance(data.get("total"), dict)
    )


def _filters(request: Request, names: tuple[str, ...]) -> list[tuple[str, str]]:
    return [
        (name, value)
        for name, value in request.query_params.multi_items()
        if name in names and value.strip()
    ]


@router.get("", dependencies=[Depends(public("a redirect to the overview, which checks"))])
async def home() -> Response:
    return RedirectResponse("/ui/", status_code=303)


@router.get("/")
async def overview(
    request: Request,
    staff: OverviewStaff,
    weergave: Annotated[str | None, Query(max_length=64)] = None,
) -> Response:
    options = await _scope_options(request, staff)
    chosen = next((o for o in options if o.value == weergave), options[0] if options else None)
    if weergave is not None and (chosen is None or chosen.value != weergave):
        raise PageNotFoundError
    filters = _filters(request, OVERVIEW_FILTERS)
    counts = None
    error = ""
    codes: tuple[str, ...] = ()
    if chosen is not None:
        async with runtime(request).database.transaction() as session:
            try:
                codes = await scope.overview_municipalities(
                    session,
                    staff.principal,
                    municipality=None if chosen.is_isd else chosen.value,
                    isd=chosen.value if chosen.is_isd else None,
                )
            except scope.OutOfScopeError:
                raise PageNotFoundError from None
        answer = await call(
            request,
            staff,
            "cases",
            "GET",
            "/overview",
            params=[("municipality", code) for code in codes] + filters,
        )
        counts = answer.data if answer.ok and _is_overview(answer.data) else None
        error = "" if counts is not None else answer.message()
    base = [("municipality", code) for code in codes] + filters
    return render(
        request,
        "overview.html",
        staff=staff,
        active="overzicht",
        options=options,
        chosen=chosen,
        filters=dict(filters),
        kinds=KINDS,
        counts=counts,
        error=error,
        list_query=urlencode(base),
        categories=CATEGORIES,
    )


def _list_params(request: Request, staff: Staff) -> list[tuple[str, str]]:
    municipalities = [
        value for value in request.query_params.getlist("municipality") if value.strip()
    ]
    try:
        scope.check_municipalities(staff.principal, municipalities)
    except scope.OutOfScopeError:
        raise PageNotFoundError from None
    return [("municipality", code) for code in municipalities] + _filters(request, LIST_FILTERS)


def _service_params(params: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The UI's filters as the cases service takes them: an overview category becomes its
    statuses, and a search of nine digits is a BSN (any household member), not a number."""
    result: list[tuple[str, str]] = []
    for name, value in params:
        if name == "category":
            result.extend(("status", status) for status in CATEGORY_STATUSES.get(value, (value,)))
        elif name == "q" and _BSN.fullmatch(value.strip()):
            result.append(("bsn", value.strip()))
        else:
            result.append((name, value))
    return result


QUICK_FILTERS = {
    "mine": ("Mijn cases", [("assigned_to", "me")]),
    "unassigned": ("Niet toegewezen", [("assigned_to", "none")]),
    "on_hold": ("In afwachting", [("on_hold", "true")]),
    "due_soon": (
        "Termijn verloopt binnen 7 dagen",
        [("deadline", DeadlineFilter.WITHIN_7_DAYS.value)],
    ),
    "overdue": ("Termijn verlopen", [("deadline", DeadlineFilter.PASSED.value)]),
    "all": ("Alle cases", []),
}
"""The quick links above the list: shown as active when the list shows exactly that filter."""


CHOICE_FILTERS: dict[str, tuple[dict[str, str], str]] = {
    "deadline": (
        {value.value: label for value, label in DEADLINE_FILTER_LABEL.items()},
        "Onbekende termijn. Kies een termijn uit de snelle filters.",
    ),
    "worklist": (
        {value.value: label for value, label in WORK_ITEM_LABEL.items()},
        "Onbekende taak. Kies een taak via Te doen.",
    ),
}
"""Filters with fixed values: their Dutch label when shown as active, the message when not."""


def _checked(params: list[tuple[str, str]]) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The filters without unknown fixed values, and a Dutch message per refused field (the
    list still shows, without that filter, so the message stands next to the field)."""
    errors: dict[str, str] = {}
    kept: list[tuple[str, str]] = []
    for name, value in params:
        known = CHOICE_FILTERS.get(name)
        if known is not None and value not in known[0]:
            errors[name] = known[1]
            continue
        kept.append((name, value))
    return kept, errors


def _active_quick_filter(params: list[tuple[str, str]]) -> str | None:
    chosen = sorted((name, value) for name, value in params if name not in ("sort", "municipality"))
    return next((key for key, (_, query) in QUICK_FILTERS.items() if sorted(query) == chosen), None)


@router.get("/cases")
async def case_list(
    request: Request,
    staff: CaseReader,
    cursor: Annotated[str | None, Query(max_length=1000)] = None,
    vorige: Annotated[list[str] | None, Query(max_length=50)] = None,
) -> Response:
    """A page of the list; `vorige` holds the cursors of the pages before it (keyset pages
    only know the way forward), so "Vorige" goes back one page."""
    params, errors = _checked(_list_params(request, staff))
    earlier = [value[:1000] for value in (vorige or [])] if cursor else []
    query = [*_service_params(params), ("limit", PAGE_SIZE)] + (
        [("cursor", cursor)] if cursor else []
    )
    answer = await call(request, staff, "cases", "GET", "/cases", params=query)
    page = answer.data if answer.ok and isinstance(answer.data, dict) else None
    next_cursor = page.get("next_cursor") if page else None
    total = page.get("total") if page else None
    exact = bool(page.get("total_is_exact", True)) if page else True
    previous_query = ""
    if cursor:
        back = earlier[:-1]
        previous_query = urlencode(
            [*params, *([("cursor", earlier[-1])] if earlier and earlier[-1] else [])]
            + [("vorige", value) for value in back]
        )
    next_query = (
        urlencode(
            [*params, ("cursor", next_cursor)]
            + [("vorige", value) for value in [*earlier, cursor or ""]]
        )
        if next_cursor
        else ""
    )
    municipalities = await municipalities_of(request, staff)
    return render(
        request,
        "cases.html",
        staff=staff,
        active="cases",
        items=page.get("items", []) if page else [],
        error="" if page is not None else answer.message(),
        filters={name: value for name, value in params if name not in ("municipality", "status")},
        selected_statuses=[value for name, value in params if name == "status"],
        selected_municipalities=request.query_params.getlist("municipality"),
        municipalities=municipalities,
        statuses=STATUSES,
        kinds=KINDS,
        advices=ADVICE,
        sorts=SORTS,
        may_export=staff.may(Permission.CASES_EXPORT),
        query=urlencode(params),
        next_query=next_query,
        previous_query=previous_query,
        first_page=cursor is None,
        page_number=len(earlier) + 1 if cursor else 1,
        page_count=-(-int(total) // int(PAGE_SIZE)) if isinstance(total, int) and exact else None,
        total=total if isinstance(total, int) else None,
        total_is_exact=exact,
        quick_filters={key: (label, urlencode(q)) for key, (label, q) in QUICK_FILTERS.items()},
        active_quick_filter=_active_quick_filter(params),
        choice_labels={name: labels for name, (labels, _) in CHOICE_FILTERS.items()},
        errors=errors,
        status_code=400 if errors else 200,
    )


async def _export(request: Request, staff: Staff, extension: str) -> Response:
    params = _service_params(_checked(_list_params(request, staff))[0])
    answer = await call(request, staff, "cases", "GET", f"/cases/export.{extension}", params=params)
    if not answer.ok:
        return render(
            request,
            "message.html",
            staff=staff,
            status_code=answer.refusal_status,
            title="Exporteren is niet gelukt",
            message=answer.message(),
        )
    return answer.download(media_type="application/octet-stream", filename=f"cases.{extension}")


@router.get("/cases/export.csv")
async def export_csv(request: Request, staff: Exporter) -> Response:
    return await _export(request, staff, "csv")


@router.get("/cases/export.xlsx")
async def export_xlsx(request: Request, staff: Exporter) -> Response:
    return await _export(request, staff, "xlsx")
