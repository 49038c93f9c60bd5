"""Auditlog for the auditor: access to personal data (the cases service's Logboek
Dataverwerkingen) and the security log of logins and account changes (the gateway's own).

An auditor sees the records of their own organisation: for an ISD, those of the ISD and its
municipalities. Neither log shows a BSN; the access log names the person only by a keyed hash.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request, Response

from contracts.permissions import Permission
from gateway.audit import repository
from gateway.audit.models import SecurityAudit
from gateway.ui.backend import call
from gateway.ui.labels import AMSTERDAM, SECURITY_ACTIONS
from gateway.ui.web import AuditReader, Staff, render, require, runtime

router = APIRouter(prefix="/ui/auditlog", include_in_schema=False)
SecurityLogReader = Annotated[Staff, Depends(require(Permission.SECURITY_LOG_READ))]
PAGE_SIZE = 50
MAX_TEXT = 200
_ID = re.compile(r"[0-9]{1,18}")
_CASE_NUMBER = re.compile(r"[A-Z]{2,5}-[0-9]{4}-[0-9]{1,12}")
"""An application number as staff see it, e.g. GV-2026-0001234."""
_FIRST_DAY, _LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


@dataclass(frozen=True)
class Filters:
    """The period and account filters both tabs share, checked, with Dutch errors per field."""

    values: dict[str, str]
    errors: dict[str, str]
    first_day: date | None
    last_day: date | None

    @property
    def username(self) -> str:
        return self.values.get("gebruiker", "").strip().lower()


def _day(values: dict[str, str], errors: dict[str, str], name: str) -> date | None:
    text = values.get(name, "").strip()
    if not text:
        return None
    for form in ("%Y-%m-%d", "%d-%m-%Y"):  # the date picker's form, or typed by hand
        try:
            day = datetime.strptime(text, form).date()  # noqa: DTZ007 - a calendar day
        except ValueError:
            continue
        if _FIRST_DAY <= day <= _LAST_DAY:
            return day
        errors[name] = "Kies een datum tussen 2000 en 2999."
        return None
    errors[name] = "Vul een datum in als dd-mm-jjjj."
    return None


def _filters(request: Request, names: tuple[str, ...]) -> Filters:
    values = {
        name: request.query_params.get(name, "")[:MAX_TEXT]
        for name in names
        if request.query_params.get(name)
    }
    errors: dict[str, str] = {}
    first, last = _day(values, errors, "van"), _day(values, errors, "tot")
    if first and last and last < first:
        errors["tot"] = "De einddatum ligt vóór de begindatum."
    return Filters(values=values, errors=errors, first_day=first, last_day=last)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=AMSTERDAM)


def _next_page(filters: Filters, name: str, value: str) -> str:
    return urlencode([*filters.values.items(), (name, value)])


@router.get("")
async def access_log(request: Request, staff: AuditReader) -> Response:
    """Who looked at whose data: cases viewed, lists exported, searches by BSN."""
    filters = _filters(request, ("van", "tot", "gebruiker", "case"))
    case = filters.values.get("case", "").strip()
    case_param = _case_param(case, filters.errors) if case else None
    items: list[dict[str, object]] = []
    error = next_query = ""
    if not filters.errors:
        params = [("limit", str(PAGE_SIZE))]
        if filters.first_day:
            params.append(("from", filters.first_day.isoformat()))
        if filters.last_day:
            params.append(("to", filters.last_day.isoformat()))
        if filters.username:
            params.append(("actor", f"user:{filters.username}"))
        if case_param:
            params.append(case_param)
        cursor = request.query_params.get("cursor", "")[:1000]
        if cursor:
            params.append(("cursor", cursor))
        answer = await call(request, staff, "cases", "GET", "/audit", params=params)
        if answer.ok and isinstance(answer.data, dict):
            items = list(answer.data.get("items", []))
            if answer.data.get("next_cursor"):
                next_query = _next_page(filters, "cursor", str(answer.data["next_cursor"]))
        else:
            error = answer.message()
    return render(
        request,
        "audit_access.html",
        staff=staff,
        status_code=400 if filters.errors else 200,
        active="auditlog",
        tab="toegang",
        items=items,
        error=error,
        filters=filters,
        next_query=next_query,
    )


def _case_param(text: str, errors: dict[str, str]) -> tuple[str, str] | None:
    """The service's filter for a case number (or the case id of a link), else an error."""
    number = text.upper()
    if _CASE_NUMBER.fullmatch(number):
        return ("application_number", number)
    try:
        return ("case_id", str(uuid.UUID(text)))
    except ValueError:
        errors["case"] = "Vul het volledige aanvraagnummer in, bijvoorbeeld GV-2026-0001234."
        return None


def _organisations(staff: Staff) -> tuple[str, ...]:
    """The auditor's organisation and, for an ISD, its municipalities."""
    own = staff.current.user.organisation
    if staff.organisation_kind == "isd":
        return (own, *staff.principal.municipalities)
    return (own,)


@router.get("/beveiliging")
async def security_log(request: Request, staff: SecurityLogReader) -> Response:
    """Logins, failures, lock-outs and every change to an account, newest first: for the
    auditor and the functioneel beheerder, of their own organisation."""
    filters = _filters(request, ("van", "tot", "gebruiker", "actie"))
    action = filters.values.get("actie", "")
    if action and action not in SECURITY_ACTIONS:
        filters.errors["actie"] = "Kies een handeling uit de lijst."
    before = request.query_params.get("voor", "")
    before_id = int(before) if _ID.fullmatch(before) else None
    records: list[SecurityAudit] = []
    next_query = ""
    if not filters.errors:
        query = repository.AuditQuery(
            organisations=_organisations(staff),
            action=action or None,
            username=filters.username or None,
            occurred_from=_local_midnight(filters.first_day) if filters.first_day else None,
            occurred_before=_local_midnight(filters.last_day + timedelta(days=1))
            if filters.last_day
            else None,
        )
        async with runtime(request).database.transaction() as session:
            found = await repository.list_audit(
                session, query, before_id=before_id, limit=PAGE_SIZE + 1
            )
        records = list(found[:PAGE_SIZE])
        if len(found) > PAGE_SIZE:
            next_query = _next_page(filters, "voor", str(records[-1].id))
    return render(
        request,
        "audit_security.html",
        staff=staff,
        status_code=400 if filters.errors else 200,
        active="auditlog",
        tab="beveiliging",
        records=records,
        actions=SECURITY_ACTIONS,
        filters=filters,
        next_query=next_query,
    )
