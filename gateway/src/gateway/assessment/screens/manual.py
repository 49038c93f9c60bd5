"""Gegevens handmatig invoeren: a behandelaar enters incomes and assets from the evidence the
resident uploaded (issue 11, item 4), linking the case's documents.

The form has a fixed number of lines per person (no JavaScript needed); an empty line is
skipped. The gateway checks what it can read (amounts, dates, required fields); the assessment
service applies the same rules as to an Ockto delivery and names the field it refuses, which is
shown next to that field in Dutch. The stored data are marked `manual` ("Handmatig ingevoerd").
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from gateway.ui.backend import Answer, call
from gateway.ui.labels import ASSET_KINDS, FREQUENCIES, INCOME_KINDS, PERSONS
from gateway.ui.web import AssessmentPreparer, PageNotFoundError, Staff, render

router = APIRouter(prefix="/ui/cases", include_in_schema=False)

INCOME_LINES = 3
ASSET_LINES = 2
MAX_TEXT = 120
MAX_NOTE = 2000
MAX_DOCUMENTS = 50
ALLOWANCE_KINDS = {
    "zorgtoeslag": "Zorgtoeslag",
    "huurtoeslag": "Huurtoeslag",
    "kindgebonden_budget": "Kindgebonden budget",
    "kinderopvangtoeslag": "Kinderopvangtoeslag",
    "kinderbijslag": "Kinderbijslag",
}
"""`contracts.ockto.contract.AllowanceKind` in Dutch."""
NOT_SAVED = "De gegevens zijn niet opgeslagen. Controleer de gemarkeerde velden."
_AMOUNT = re.compile(r"^-?\d{1,3}(\.\d{3})*(,\d{1,2})?$|^-?\d+([.,]\d{1,2})?$")
_SERVICE_WORDS = {
    "ligt vóór period_start": "De einddatum ligt vóór de begindatum.",
    "ligt in de toekomst": "Deze datum ligt in de toekomst.",
    "onwaarschijnlijk hoog": "Dit bedrag is onwaarschijnlijk hoog. Controleer het bedrag.",
    "geen document van deze zaak": "Dit document hoort niet bij deze case.",
    "staat niet bij persons": "Deze persoon hoort niet bij de invoer.",
    "alleen en altijd bij kind allowance": "Kies bij een toeslag welke toeslag het is, "
    "en alleen dan.",
    "er staat geen partner op de aanvraag": "Er staat geen partner op de aanvraag.",
    "elke persoon één keer": "Elke persoon mag maar één keer voorkomen.",
}
_SERVICE_FIELD = re.compile(r"^([a-z_]+(?:\.\d+)?(?:\.[a-z_]+)?(?:\.\d+)?)\s*:\s*(.+)$", re.DOTALL)
_FORM_PART = {
    "kind": "kind",
    "allowance_kind": "allowance_kind",
    "payer": "payer",
    "period_start": "start",
    "period_end": "end",
    "frequency": "frequency",
    "net_amount": "amount",
    "holiday_allowance_included": "holiday",
    "institution": "institution",
    "reference_date": "date",
    "balance": "balance",
    "document_ids": "kind",
    "person": "kind",
}


@dataclass(frozen=True)
class Line:
    """One line of the form: its field-name prefix, e.g. `income-applicant-0`."""

    prefix: str
    person: str


def _persons(case: dict[str, Any]) -> list[str]:
    household = case.get("household")
    partner = isinstance(household, dict) and bool(household.get("partner"))
    return ["applicant", "partner"] if partner else ["applicant"]


def _income_lines(persons: list[str]) -> list[Line]:
    return [Line(f"income-{p}-{i}", p) for p in persons for i in range(INCOME_LINES)]


def _asset_lines(persons: list[str]) -> list[Line]:
    owners = [*persons, "joint"] if len(persons) > 1 else persons
    return [Line(f"asset-{p}-{i}", p) for p in owners for i in range(ASSET_LINES)]


def parse_amount(text: str) -> Decimal | None:
    """A euro amount as staff type it ("1.512,40", "1512.40", "€ 1512"); None if unreadable."""
    cleaned = text.replace("€", "").replace(" ", "").replace("\u00a0", "")
    if not cleaned or not _AMOUNT.match(cleaned):
        return None
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    elif cleaned.count(".") == 1 and len(cleaned.rsplit(".", 1)[1]) == 3:
        cleaned = cleaned.replace(".", "")  # "1.500": a thousands separator
    try:
        return Decimal(cleaned).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


@dataclass
class Entry:
    body: dict[str, Any]
    errors: dict[str, str]
    incomes: list[str]
    """The form prefix of each income sent, in order (to place the service's refusal)."""
    assets: list[str]


def _income(form: FormData, line: Line, errors: dict[str, str]) -> dict[str, Any] | None:
    """One income line as the service takes it (None when left empty); its errors added."""
    p = line.prefix
    fields = ("kind", "allowance_kind", "payer", "amount", "start", "end")
    if not any(_text(form, f"{p}-{name}") for name in fields):
        return None
    kind, allowance = _text(form, f"{p}-kind"), _text(form, f"{p}-allowance_kind")
    payer, frequency = _text(form, f"{p}-payer"), _text(form, f"{p}-frequency") or "monthly"
    amount = parse_amount(_text(form, f"{p}-amount"))
    start, end = _day(_text(form, f"{p}-start")), _day(_text(form, f"{p}-end"))
    checks = {
        "kind": (kind in INCOME_KINDS, "Kies de soort inkomen."),
        "allowance_kind": (
            kind != "allowance" or allowance in ALLOWANCE_KINDS,
            "Kies welke toeslag het is.",
        ),
        "payer": (
            bool(payer) and len(payer) <= MAX_TEXT,
            f"Vul de betaler in (hoogstens {MAX_TEXT} tekens).",
        ),
        "frequency": (frequency in FREQUENCIES, "Kies hoe vaak het bedrag betaald wordt."),
        "amount": (
            amount is not None and amount >= 0,
            "Vul een bedrag in euro's in, bijvoorbeeld 1.512,40.",
        ),
        "start": (start is not None, "Vul de begindatum in, bijvoorbeeld 2026-11-01."),
        "end": (end is not None, "Vul de einddatum in, bijvoorbeeld 2026-11-30."),
    }
    errors.update({f"{p}-{name}": message for name, (ok, message) in checks.items() if not ok})
    return {
        "person": line.person,
        "kind": kind,
        "allowance_kind": allowance if kind == "allowance" else None,
        "payer": payer,
        "period_start": start.isoformat() if start else None,
        "period_end": end.isoformat() if end else None,
        "frequency": frequency,
        "net_amount": str(amount) if amount is not None else None,
        "holiday_allowance_included": bool(_text(form, f"{p}-holiday")),
    }


def _asset(form: FormData, line: Line, errors: dict[str, str]) -> dict[str, Any] | None:
    """One asset line as the service takes it (None when left empty); its errors added."""
    p = line.prefix
    if not any(_text(form, f"{p}-{name}") for name in ("kind", "institution", "balance")):
        return None
    kind, institution = _text(form, f"{p}-kind"), _text(form, f"{p}-institution")
    balance = parse_amount(_text(form, f"{p}-balance"))
    reference = _day(_text(form, f"{p}-date"))
    checks = {
        "kind": (kind in ASSET_KINDS, "Kies de soort vermogen."),
        "institution": (
            bool(institution) and len(institution) <= MAX_TEXT,
            f"Vul de instelling in (hoogstens {MAX_TEXT} tekens).",
        ),
        "balance": (
            balance is not None,
            "Vul het saldo in euro's in, bijvoorbeeld 2.150,00 (een schuld met een min).",
        ),
        "date": (reference is not None, "Vul de peildatum in, bijvoorbeeld 2026-12-01."),
    }
    errors.update({f"{p}-{name}": message for name, (ok, message) in checks.items() if not ok})
    return {
        "person": line.person,
        "kind": kind,
        "institution": institution,
        "reference_date": reference.isoformat() if reference else None,
        "balance": str(balance) if balance is not None else None,
    }


def read_form(
    form: FormData, persons: list[str], documents: set[str]
) -> tuple[Entry, dict[str, Any]]:
    """The service's body from the form, the errors the gateway can see itself, and the values
    to show again."""
    values: dict[str, Any] = {key: value for key, value in form.items() if isinstance(value, str)}
    chosen = [value for value in form.getlist("documents") if isinstance(value, str)]
    values["documents"] = chosen
    errors: dict[str, str] = {}
    incomes = [(line.prefix, _income(form, line, errors)) for line in _income_lines(persons)]
    assets = [(line.prefix, _asset(form, line, errors)) for line in _asset_lines(persons)]
    entry = Entry(
        body={
            "persons": persons,
            "incomes": [income for _, income in incomes if income],
            "assets": [asset for _, asset in assets if asset],
            "document_ids": chosen,
            "note": _text(form, "note") or None,
        },
        errors=errors,
        incomes=[prefix for prefix, income in incomes if income],
        assets=[prefix for prefix, asset in assets if asset],
    )
    if not entry.incomes and not entry.assets:
        errors["entry"] = "Vul minstens één inkomen of één vermogensbestanddeel in."
    if any(document not in documents for document in chosen) or len(chosen) > MAX_DOCUMENTS:
        errors["documents"] = "Kies alleen documenten van deze case."
    if len(_text(form, "note")) > MAX_NOTE:
        errors["note"] = f"De toelichting is hoogstens {MAX_NOTE} tekens."
    return entry, values


def _in_words(message: str) -> str:
    message = message.strip()
    if message in _SERVICE_WORDS:
        return _SERVICE_WORDS[message]
    return "Deze waarde is niet geldig."


def refusal_errors(answer: Answer, entry: Entry) -> dict[str, str]:
    """The service's refusal next to the form field it names (`incomes.0.net_amount: ...`, or
    FastAPI's validation list), in Dutch."""
    named: list[tuple[str, str]] = []
    found = _SERVICE_FIELD.match(answer.detail) if answer.status == 422 else None
    if found:
        named.append((found.group(1), _in_words(found.group(2))))
    elif answer.status == 422:
        named = [(name, "Deze waarde is niet geldig.") for name, _ in answer.field_problems]
    errors: dict[str, str] = {}
    for name, message in named:
        parts = name.split(".")
        if parts[0] in ("incomes", "assets") and len(parts) >= 2 and parts[1].isdigit():
            prefixes = entry.incomes if parts[0] == "incomes" else entry.assets
            index = int(parts[1])
            if index < len(prefixes):
                part = _FORM_PART.get(parts[2] if len(parts) > 2 else "kind", "kind")
                errors.setdefault(f"{prefixes[index]}-{part}", message)
                continue
        key = {"document_ids": "documents", "note": "note"}.get(parts[0], "entry")
        errors.setdefault(key, message)
    return errors


async def _case_and_documents(
    request: Request, staff: Staff, case_id: uuid.UUID
) -> tuple[dict[str, Any], list[dict[str, Any]], str]:
    case = await call(request, staff, "cases", "GET", f"/cases/{case_id}")
    if case.status in (404, 422) and not case.unavailable_feature:
        raise PageNotFoundError
    if not case.ok or not isinstance(case.data, dict):
        return {}, [], case.message()
    listed = await call(request, staff, "documents", "GET", f"/cases/{case_id}/documents")
    items = listed.data.get("items") if listed.ok and isinstance(listed.data, dict) else None
    documents = [item for item in items or [] if isinstance(item, dict) and "id" in item]
    documents_error = ""
    if not listed.ok and not (listed.status == 404 and not listed.unavailable_feature):
        documents_error = "De documenten konden niet worden opgehaald: " + listed.message()
    return case.data, documents, documents_error


def _page(
    request: Request,
    staff: Staff,
    case_id: uuid.UUID,
    case: dict[str, Any],
    documents: list[dict[str, Any]],
    *,
    documents_error: str = "",
    failure: str = "",
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    persons = _persons(case)
    return render(
        request,
        "manual_data.html",
        staff=staff,
        status_code=status_code,
        active="cases",
        case_id=str(case_id),
        case=case,
        persons=[(person, PERSONS[person]) for person in persons],
        income_lines=_income_lines(persons),
        asset_lines=_asset_lines(persons),
        owners=PERSONS,
        income_kinds=INCOME_KINDS,
        allowance_kinds=ALLOWANCE_KINDS,
        asset_kinds=ASSET_KINDS,
        frequencies=FREQUENCIES,
        documents=documents,
        documents_error=documents_error,
        failure=failure,
        errors=errors or {},
        values=values or {"documents": []},
    )


def _as_typed(amount: object) -> str:
    """An amount of the service ("1250.00") as staff type it ("1250,00")."""
    return str(amount).replace(".", ",") if amount not in (None, "") else ""


def previous_values(assessment: Answer, persons: list[str]) -> dict[str, Any]:
    """The form filled with the current manual entry, so that a correction starts from it (a new
    entry replaces the previous one whole)."""
    values: dict[str, Any] = {"documents": []}
    data = (
        assessment.data.get("data") if assessment.ok and isinstance(assessment.data, dict) else None
    )
    manual = [
        source
        for source in (data if isinstance(data, list) else [])
        if isinstance(source, dict) and source.get("origin") == "manual" and source.get("current")
    ]
    if not manual:
        return values
    incomes = [item for item in manual[0].get("incomes") or [] if isinstance(item, dict)]
    for line in _income_lines(persons):
        mine = [item for item in incomes if item.get("person") == line.person]
        index = int(line.prefix.rsplit("-", 1)[1])
        if index < len(mine):
            item = mine[index]
            values |= {
                f"{line.prefix}-kind": str(item.get("kind") or ""),
                f"{line.prefix}-allowance_kind": str(item.get("allowance_kind") or ""),
                f"{line.prefix}-payer": str(item.get("payer") or ""),
                f"{line.prefix}-amount": _as_typed(item.get("net_amount")),
                f"{line.prefix}-frequency": str(item.get("frequency") or "monthly"),
                f"{line.prefix}-start": str(item.get("period_start") or ""),
                f"{line.prefix}-end": str(item.get("period_end") or ""),
                f"{line.prefix}-holiday": "ja" if item.get("holiday_allowance_included") else "",
            }
    assets = [item for item in manual[0].get("assets") or [] if isinstance(item, dict)]
    for line in _asset_lines(persons):
        mine = [item for item in assets if item.get("person") == line.person]
        index = int(line.prefix.rsplit("-", 1)[1])
        if index < len(mine):
            item = mine[index]
            values |= {
                f"{line.prefix}-kind": str(item.get("kind") or ""),
                f"{line.prefix}-institution": str(item.get("institution") or ""),
                f"{line.prefix}-balance": _as_typed(item.get("balance")),
                f"{line.prefix}-date": str(item.get("reference_date") or ""),
            }
    return values


@router.get("/{case_id}/handmatig")
async def manual_form(request: Request, staff: AssessmentPreparer, case_id: uuid.UUID) -> Response:
    case, documents, documents_error = await _case_and_documents(request, staff, case_id)
    if not case:
        return _page(request, staff, case_id, {}, [], failure=documents_error, status_code=502)
    assessment = await call(request, staff, "assessment", "GET", f"/cases/{case_id}/assessment")
    return _page(
        request,
        staff,
        case_id,
        case,
        documents,
        documents_error=documents_error,
        values=previous_values(assessment, _persons(case)),
    )


@router.post("/{case_id}/handmatig")
async def save_manual_data(
    request: Request, staff: AssessmentPreparer, case_id: uuid.UUID
) -> Response:
    form = await request.form()
    case, documents, documents_error = await _case_and_documents(request, staff, case_id)
    if not case:
        return _page(request, staff, case_id, {}, [], failure=documents_error, status_code=502)
    entry, values = read_form(form, _persons(case), {str(document["id"]) for document in documents})
    if entry.errors:
        return _page(
            request,
            staff,
            case_id,
            case,
            documents,
            documents_error=documents_error,
            failure=NOT_SAVED,
            errors=entry.errors,
            values=values,
            status_code=400,
        )
    answer = await call(
        request, staff, "assessment", "PUT", f"/cases/{case_id}/manual-data", body=entry.body
    )
    if answer.ok:
        return RedirectResponse(f"/ui/cases/{case_id}?gedaan=handmatig#advies", status_code=303)
    errors = refusal_errors(answer, entry)
    failure = NOT_SAVED if errors else "De gegevens zijn niet opgeslagen. " + answer.message()
    if answer.status == 404 and not answer.unavailable_feature:
        failure = "De rechtmatigheidsdienst kent deze case nog niet. Probeer het later opnieuw."
    return _page(
        request,
        staff,
        case_id,
        case,
        documents,
        documents_error=documents_error,
        failure=failure,
        errors=errors,
        values=values,
        status_code=answer.refusal_status if answer.status != 404 else 409,
    )
