"""Parameters: a municipality's income and asset parameter versions, which one applies on a
chosen date, and (functioneel beheerder) a new version from a date.

The assessment service owns the rules: it refuses a version field by field in Dutch, and each
message is shown next to its field. The form starts from the newest version's values; the
service keeps the values of a field left out, and this form sends them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from gateway.ui.backend import call
from gateway.ui.labels import (
    CHECK_MOMENTS,
    DATA_SOURCES,
    INCOME_KINDS,
    LIMIT_METHODS,
    NORM_LABELS,
    PER_HOUSEHOLD_LABELS,
)
from gateway.ui.web import (
    PageNotFoundError,
    ParameterManager,
    ParameterReader,
    Staff,
    choose_municipality,
    municipalities_of,
    render,
)
from servicekit.auth import Permission

router = APIRouter(prefix="/ui/parameters", include_in_schema=False)

Code = Annotated[str, Path(pattern=r"^[0-9]{4}$")]
FieldKind = Literal["date", "text", "choice", "percent", "amount", "integer", "flag", "set"]
MAX_NOTE = 2000


@dataclass(frozen=True)
class Field:
    name: str
    """The service's (dotted) field name; the form's input name."""
    label: str
    kind: FieldKind
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        return "p-" + self.name.replace(".", "-").replace("_", "-")


@dataclass(frozen=True)
class Group:
    name: str
    legend: str
    fields: tuple[Field, ...]
    hint: str = ""
    error_key: str = ""
    """The service's name for the group as a whole (its problems show above the fields)."""


def _amounts(group: str, labels: dict[str, str]) -> tuple[Field, ...]:
    return tuple(Field(f"{group}.{key}", label, "amount") for key, label in labels.items())


GROUPS: tuple[Group, ...] = (
    Group(
        "period",
        "Geldigheid",
        (
            Field("valid_from", "Geldt vanaf", "date"),
            Field(
                "valid_until",
                "Geldt tot en met (optioneel)",
                "date",
                hint="Leeg laten: de versie geldt tot een volgende versie begint.",
            ),
            Field(
                "note",
                "Toelichting (optioneel)",
                "text",
                hint="Bijvoorbeeld: Besluit college 12 juni 2026.",
            ),
        ),
    ),
    Group(
        "income",
        "Inkomensgrens",
        (
            Field(
                "income_limit_method",
                "Hoe de grens wordt bepaald",
                "choice",
                options=(
                    ("percentage", "Een percentage van de norm"),
                    ("fixed", "Vaste bedragen per huishouden"),
                ),
            ),
            Field("income_percentage", "Percentage van de bijstandsnorm", "percent"),
            Field("holiday_pay_included", "De grens is inclusief vakantiegeld", "flag"),
            Field(
                "holiday_allowance_rate",
                "Vakantiegeld (procent)",
                "percent",
                hint="Opgeteld bij (of afgetrokken van) inkomens zonder (met) vakantiegeld.",
            ),
            Field(
                "reference_months",
                "Referentieperiode (maanden)",
                "integer",
                hint="De hele maanden vóór de maand van de aanvraag.",
            ),
            Field(
                "margin_percent",
                "Marge boven de grens (procent)",
                "percent",
                hint="Binnen de marge is het advies Onderzoeken in plaats van Afwijzen.",
            ),
            Field(
                "counted_income_kinds",
                "Inkomsten die meetellen",
                "set",
                hint="Toeslagen tellen nooit mee.",
                options=tuple(
                    (kind, label) for kind, label in INCOME_KINDS.items() if kind != "allowance"
                ),
            ),
        ),
    ),
    Group(
        "norms",
        "Bijstandsnormen per maand (100%, inclusief vakantiegeld)",
        _amounts("norms", NORM_LABELS),
        error_key="norms",
    ),
    Group(
        "fixed_limits",
        "Vaste inkomensgrenzen per maand",
        _amounts("fixed_limits", PER_HOUSEHOLD_LABELS),
        hint="Alleen bij vaste bedragen; vul dan alle drie in.",
        error_key="fixed_limits",
    ),
    Group(
        "assets",
        "Vermogen",
        (
            Field("asset_test", "Het vermogen wordt getoetst", "flag"),
            *_amounts("asset_limits", PER_HOUSEHOLD_LABELS),
        ),
        error_key="asset_limits",
    ),
    Group(
        "procedure",
        "Werkwijze",
        (
            Field(
                "check_moment",
                "Toetsmoment",
                "choice",
                options=(
                    ("vooraf", "Vooraf: eerst toetsen, dan besluiten"),
                    ("achteraf", "Achteraf: eerst toekennen, later toetsen"),
                ),
            ),
            Field(
                "four_eyes",
                "Vier ogen: een andere beslisser besluit dan wie de case voorbereidde",
                "flag",
            ),
            Field("pension_age_years", "Pensioenleeftijd (jaren)", "integer"),
            Field("session_term_days", "Termijn van een Ockto-sessie (dagen)", "integer"),
            Field(
                "required_sources",
                "Verplichte bronnen bij Ockto",
                "set",
                options=tuple(
                    (source, label) for source, label in DATA_SOURCES.items() if source != "manual"
                ),
            ),
        ),
    ),
)
FIELDS = {field.name: field for group in GROUPS for field in group.fields}
_GROUP_OF_FIELD = {field.name: group.name for group in GROUPS for field in group.fields}
_PERIOD = ("valid_from", "valid_until", "note")
_WORDS = (
    (re.compile(r"\bvalid_from\b"), "de begindatum"),
    (re.compile(r"\bvalid_until\b"), "de einddatum"),
    (re.compile(r" \(allowance\)"), ""),
)
assert set(CHECK_MOMENTS) == {value for value, _ in FIELDS["check_moment"].options}
assert set(LIMIT_METHODS) == {value for value, _ in FIELDS["income_limit_method"].options}


def in_words(message: str) -> str:
    for code, words in _WORDS:
        message = code.sub(words, message)
    message = message.strip()
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")


def _money(value: Any) -> str:
    try:
        return f"{Decimal(str(value)):.2f}".replace(".", ",")
    except InvalidOperation:
        return str(value)


def _plain(value: Any) -> str:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{amount:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def form_values(version: dict[str, Any] | None) -> dict[str, Any]:
    """The form's starting values: the newest version's, in the form's notation."""
    values: dict[str, Any] = {"valid_from": "", "valid_until": "", "note": ""}
    source = version.get("values") if isinstance(version, dict) else None
    if not isinstance(source, dict):
        return values
    for field in FIELDS.values():
        if field.name in _PERIOD:
            continue
        if "." in field.name:
            group, key = field.name.split(".", 1)
            found = source.get(group)
            raw = found.get(key) if isinstance(found, dict) else None
        else:
            raw = source.get(field.name)
        if raw is None:
            values[field.name] = [] if field.kind == "set" else ""
        elif field.kind == "amount":
            values[field.name] = _money(raw)
        elif field.kind == "percent":
            values[field.name] = _plain(raw)
        elif field.kind == "flag":
            values[field.name] = bool(raw)
        elif field.kind == "set":
            values[field.name] = [str(item) for item in raw] if isinstance(raw, list) else []
        else:
            values[field.name] = str(raw)
    return values


def _decimal(text: str) -> Decimal | None:
    """A number as people type it: 1401,50 · 1.401,50 · 1401.50 · € 1401."""
    cleaned = text.replace("€", "").replace(" ", "").replace("\u00a0", "")
    if "," in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", cleaned):
        return None
    return Decimal(cleaned)


def submitted(form: FormData) -> dict[str, Any]:
    """What was typed, in the form's notation (to show again after a refusal)."""
    values: dict[str, Any] = {}
    for field in FIELDS.values():
        if field.kind == "set":
            values[field.name] = [str(v) for v in form.getlist(field.name)]
        elif field.kind == "flag":
            values[field.name] = form.get(field.name) == "ja"
        else:
            values[field.name] = str(form.get(field.name) or "").strip()
    return values


class _Skip:
    """A field left empty that the service may keep (the end date, a note, fixed limits)."""


_SKIP = _Skip()


def _read_date(field: Field, value: Any) -> Any:
    if not value:
        if field.name == "valid_from":
            raise ValueError("Vul de datum in vanaf wanneer deze versie geldt.")
        return _SKIP
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ValueError("Vul een geldige datum in (dd-mm-jjjj).") from None


def _read_text(_: Field, value: Any) -> Any:
    if value and len(str(value)) > MAX_NOTE:
        raise ValueError(f"De toelichting is hoogstens {MAX_NOTE} tekens.")
    return str(value) if value else _SKIP


def _read_choice(field: Field, value: Any) -> Any:
    if value not in {option for option, _ in field.options}:
        raise ValueError("Maak een keuze.")
    return value


def _read_number(field: Field, value: Any) -> Any:
    if not value and field.name.startswith("fixed_limits."):
        return _SKIP
    number = _decimal(str(value or ""))
    if number is None:
        raise ValueError(
            "Vul een bedrag in, bijvoorbeeld 1401,50."
            if field.kind == "amount"
            else "Vul een getal in, bijvoorbeeld 120 of 8,5."
        )
    return str(number)


def _read_integer(_: Field, value: Any) -> Any:
    if not re.fullmatch(r"[0-9]{1,4}", str(value or "")):
        raise ValueError("Vul een heel getal in.")
    return int(str(value))


def _read_set(field: Field, value: Any) -> Any:
    allowed = {option for option, _ in field.options}
    return sorted({item for item in value or [] if item in allowed})


_READERS: dict[FieldKind, Callable[[Field, Any], Any]] = {
    "date": _read_date,
    "text": _read_text,
    "choice": _read_choice,
    "percent": _read_number,
    "amount": _read_number,
    "integer": _read_integer,
    "flag": lambda _, value: bool(value),
    "set": _read_set,
}


def body_of(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The service's request body from the form's values, or the errors of what cannot be
    read at all (the rules themselves are the service's)."""
    body: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in FIELDS.values():
        try:
            read = _READERS[field.kind](field, values.get(field.name))
        except ValueError as error:
            errors[field.name] = str(error)
            continue
        if read is _SKIP:
            continue
        if "." in field.name:
            group, key = field.name.split(".", 1)
            body.setdefault(group, {})[key] = read
        else:
            body[field.name] = read
    fixed = body.get("fixed_limits")
    if isinstance(fixed, dict) and len(fixed) != len(PER_HOUSEHOLD_LABELS):
        errors["fixed_limits"] = "Vul voor vaste bedragen alle drie de grenzen in."
    return body, errors


def service_errors(problems: list[tuple[str, str]]) -> tuple[dict[str, str], list[str]]:
    """The service's problems next to their fields; the rest (a field the form does not have)
    in a list above the form."""
    errors: dict[str, str] = {}
    rest: list[str] = []
    for name, message in problems:
        target = name if name in FIELDS or name in _GROUP_NAMES else None
        if target is None and name.split(".")[0] in _GROUP_NAMES:
            target = name.split(".")[0]
        if target is None:
            rest.append(in_words(message))
        else:
            errors[target] = (
                errors[target] + " " + in_words(message) if target in errors else in_words(message)
            )
    return errors, rest


_GROUP_NAMES = frozenset({"norms", "fixed_limits", "asset_limits"})


@router.get("")
async def choose(request: Request, staff: ParameterReader) -> Response:
    return await choose_municipality(
        request,
        staff,
        path="/ui/parameters",
        template="parameters_choose.html",
        active="parameters",
    )


async def _page(
    request: Request,
    staff: Staff,
    code: str,
    *,
    on: date | None,
    status_code: int = 200,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    failure: str = "",
    problems: list[str] | None = None,
) -> Response:
    names = dict(await municipalities_of(request, staff))
    if code not in names:
        raise PageNotFoundError
    day = on or date.today()  # noqa: DTZ011 - the calendar day in the municipality
    answer = await call(
        request,
        staff,
        "assessment",
        "GET",
        f"/municipalities/{code}/parameters",
        params=[("on", day.isoformat())],
    )
    data = answer.data if answer.ok and isinstance(answer.data, dict) else None
    versions = data.get("versions") if data else None
    note = error = ""
    if answer.status == 404 and not answer.unavailable_feature:
        note = (
            "Voor deze gemeente zijn nog geen parameters bekend. Ze komen er zodra de "
            "gemeente bij de rechtmatigheidsdienst is aangemeld."
        )
    elif not isinstance(versions, list):
        error = answer.message()
    items = [v for v in versions or [] if isinstance(v, dict) and "id" in v]
    applicable = data.get("applicable_version_id") if data else None
    return render(
        request,
        "parameters.html",
        staff=staff,
        status_code=status_code,
        active="parameters",
        code=code,
        name=names[code],
        several=len(names) > 1,
        versions=items,
        newest_first=list(reversed(items)),
        applicable=next((v for v in items if v["id"] == applicable), None),
        on=day.isoformat(),
        on_given=on is not None,
        note=note,
        error=error,
        may_manage=staff.may(Permission.PARAMETERS_MANAGE) and bool(items),
        groups=GROUPS,
        values=values if values is not None else form_values(items[-1] if items else None),
        errors=errors or {},
        failure=failure,
        problems=problems or [],
        done=request.query_params.get("gedaan") == "1",
    )


@router.get("/{code}")
async def versions(
    request: Request,
    staff: ParameterReader,
    code: Code,
    op: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    on = None
    if op:
        try:
            on = date.fromisoformat(op)
        except ValueError:
            on = None
    return await _page(request, staff, code, on=on)


@router.post("/{code}")
async def add_version(request: Request, staff: ParameterManager, code: Code) -> Response:
    form = await request.form()
    values = submitted(form)
    body, errors = body_of(values)
    if errors:
        return await _page(
            request,
            staff,
            code,
            on=None,
            status_code=400,
            values=values,
            errors=errors,
            failure="De nieuwe versie is niet opgeslagen. Controleer de gemarkeerde velden.",
        )
    answer = await call(
        request, staff, "assessment", "POST", f"/municipalities/{code}/parameters", body=body
    )
    if answer.ok:
        return RedirectResponse(f"/ui/parameters/{code}?gedaan=1", status_code=303)
    field_errors, rest = service_errors(answer.field_problems)
    failure = (
        "De nieuwe versie is niet opgeslagen. Controleer de gemarkeerde velden."
        if answer.status == 422 and (field_errors or rest)
        else "De nieuwe versie is niet opgeslagen. " + answer.message()
    )
    return await _page(
        request,
        staff,
        code,
        on=None,
        status_code=answer.refusal_status,
        values=values,
        errors=field_errors,
        failure=failure,
        problems=rest,
    )
