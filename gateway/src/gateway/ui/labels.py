"""The UI's Jinja filters: Dutch words for the codes services answer with.

The words of statuses, categories, kinds, advice, roles, history and access-log actions come
from the ONE vocabulary in `contracts.vocabulary` (the cases service and its exports read the
same); only what the UI alone shows (sort orders, import and quarantine states, security-log
actions) is named here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, get_args
from zoneinfo import ZoneInfo

from jinja2 import pass_context
from jinja2.runtime import Context

from contracts.assessment import DecisionBasis, RejectionReason
from contracts.documents import DocumentKind, DocumentSource
from contracts.vocabulary import (
    ACCESS_ACTION_LABEL,
    ADVICE_LABEL,
    CATEGORY_LABEL,
    HISTORY_ACTION_LABEL,
    KIND_LABEL,
    ROLE_LABEL,
    STAFF_ROLES,
    STATUS_HINT,
    STATUS_LABEL,
    STATUSES_OF_CATEGORY,
)
from gateway.cases.deadline import days_left
from gateway.ui.names import Names

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

CATEGORIES = {category.value: label for category, label in CATEGORY_LABEL.items()}
STATUSES = {
    status.value: f"{label} ({STATUS_HINT[status]})" if status in STATUS_HINT else label
    for status, label in STATUS_LABEL.items()
}
"""The status labels, with the hint that keeps *In onderzoek* (staff) visibly apart from the
advice *Onderzoeken* (system)."""
CATEGORY_STATUSES = {
    category.value: tuple(status.value for status in statuses)
    for category, statuses in STATUSES_OF_CATEGORY.items()
}
"""The statuses of each overview category: the case list filters on statuses, so a click on a
count becomes these `status` filters."""
KINDS = {kind.value: label for kind, label in KIND_LABEL.items()}
ADVICE = {advice.value: label for advice, label in ADVICE_LABEL.items()}
"""The system's advice; kept visibly apart from the status *In onderzoek* set by staff."""
SORTS = {
    "-submitted_at": "Nieuwste eerst",
    "submitted_at": "Oudste eerst",
    "-status_changed_at": "Laatst gewijzigd eerst",
    "application_number": "Aanvraagnummer",
}
HISTORY_ACTIONS = dict(HISTORY_ACTION_LABEL)
IMPORT_STATUSES = {"processing": "Bezig", "completed": "Klaar", "failed": "Mislukt"}
IMPORT_OUTCOMES = {"imported": "Geïmporteerd", "rejected": "Afgekeurd", "duplicate": "Dubbel"}
ROLES = {role.value: ROLE_LABEL[role] for role in STAFF_ROLES}
"""The roles a staff account can hold (never `system`)."""
_ALL_ROLES = {role.value: label for role, label in ROLE_LABEL.items()}
QUARANTINE_STATUSES = {
    "quarantined": "In quarantaine",
    "reprocessed": "Opnieuw verwerkt",
    "discarded": "Afgewezen",
}

SECURITY_ACTIONS = {
    "login.password": "Inloggen: wachtwoord",
    "login.mfa": "Inloggen: tweede factor",
    "logout": "Uitgelogd",
    "account.locked": "Account tijdelijk geblokkeerd",
    "account.unlock": "Account ontgrendeld",
    "licence.change": "Licentie gewijzigd",
    "account.disable": "Account uitgeschakeld",
    "account.enable": "Account ingeschakeld",
    "mfa.enrol": "Tweestapsverificatie ingericht",
    "mfa.reset": "Tweestapsverificatie gewist",
    "password.change": "Wachtwoord gewijzigd",
    "password.reset": "Tijdelijk wachtwoord gegeven",
    "user.create": "Gebruiker aangemaakt",
    "role.change": "Rol gewijzigd",
}
ACCESS_ACTIONS = dict(ACCESS_ACTION_LABEL)
PURPOSES = {"case_handling": "Behandelen van aanvragen en heronderzoeken"}
_RESULTS = (
    ("refused: address throttled", "Geweigerd: te veel mislukte pogingen vanaf dit adres"),
    ("refused: locked", "Geweigerd: account geblokkeerd"),
    ("refused: disabled", "Geweigerd: account uitgeschakeld"),
    ("success: recovery code", "Gelukt met een herstelcode"),
    ("locked for ", "Geblokkeerd voor "),
    ("success", "Gelukt"),
    ("failure", "Mislukt"),
    ("refused", "Geweigerd"),
)


DOCUMENT_KINDS = {
    "payslip": "Loonstrook",
    "bank_statement": "Bankafschrift",
    "benefit_statement": "Uitkeringsspecificatie",
    "pension_statement": "Pensioenspecificatie",
    "income_statement": "Inkomensverklaring",
    "tax_assessment": "Aanslag of beschikking van de Belastingdienst",
    "asset_statement": "Vermogensoverzicht",
    "letter": "Brief",
    "other": "Overig",
}
"""The kinds the documents service accepts (`contracts.documents.DocumentKind`), in Dutch."""
UPLOAD_KINDS = tuple(kind for kind in get_args(DocumentKind) if kind != "letter")
"""What staff choose for a document received by post (letters are the system's own)."""
DOCUMENT_SOURCES = {"resident": "Inwoner", "staff": "Medewerker", "system": "Systeem"}
SOURCE_DOCUMENT_KINDS = {
    "income_statement": "Inkomensverklaring",
    "tax_assessment": "Aanslag of beschikking",
    "uwv_policy_record": "Verzekeringsbericht UWV",
    "bank_statement": "Bankafschrift",
    "other": "Overig",
}
"""The source documents Ockto hands over (`contracts.ockto.contract.DocumentKind`)."""
SOURCE_DOCUMENT_STATES = {
    "pending": "wordt bij de documenten opgeslagen",
    "stored": "opgeslagen bij de documenten",
    "failed": "opslaan mislukt",
}
ADVICE_CLASSES = {"grant": "grant", "investigate": "investigate", "reject": "reject"}
SESSION_STATES = {
    "requested": "Aangevraagd (wordt gestart)",
    "invited": "Uitgenodigd: wacht op de inwoner",
    "delivered": "Gegevens ontvangen",
    "expired": "Verlopen: de inwoner heeft niet gereageerd",
    "cancelled": "Vervallen (vervangen door een nieuwe uitnodiging)",
    "failed": "Mislukt",
}
SESSION_TRIGGERS = {"automatic": "automatisch bij de aanvraag", "manual": "met de hand"}
DATA_ORIGINS = {"ockto": "Ockto", "manual": "Handmatig ingevoerd"}
PERSONS = {"applicant": "Aanvrager", "partner": "Partner", "joint": "Samen"}
INCOME_KINDS = {
    "wages": "Loon",
    "benefit_uwv": "Uitkering UWV",
    "social_assistance": "Bijstand",
    "aow": "AOW",
    "pension": "Pensioen",
    "self_employed": "Inkomen als zelfstandige",
    "alimony": "Alimentatie",
    "student_finance": "Studiefinanciering",
    "general_tax_credit": "Algemene heffingskorting",
    "allowance": "Toeslag",
    "other": "Overig inkomen",
}
ASSET_KINDS = {
    "current_account": "Betaalrekening",
    "savings": "Spaarrekening",
    "investments": "Beleggingen",
    "real_estate": "Onroerend goed",
    "mortgage": "Hypotheek",
    "vehicle": "Voertuig",
    "debt": "Schuld",
    "other": "Overig vermogen",
}
FREQUENCIES = {
    "monthly": "per maand",
    "four_weekly": "per vier weken",
    "weekly": "per week",
    "yearly": "per jaar",
    "once": "eenmalig",
}
DATA_SOURCES = {
    "belastingdienst": "Belastingdienst",
    "uwv": "UWV",
    "mijnoverheid": "MijnOverheid",
    "duo": "DUO",
    "pensioenfonds": "Pensioenfonds",
    "bank": "Bank",
    "manual": "Handmatig",
}
HOUSEHOLD_TYPES = {
    "single": "alleenstaande",
    "single_parent": "alleenstaande ouder",
    "couple": "gehuwden of samenwonenden",
}
AGE_BANDS = {"working_age": "onder de pensioenleeftijd", "pension_age": "pensioenleeftijd"}
OUTCOMES = {"granted": "Toegekend", "rejected": "Afgewezen"}
REJECTION_REASONS: dict[str, str] = {
    "income_too_high": "Inkomen te hoog",
    "assets_too_high": "Vermogen te hoog",
    "custom": "Aangepast",
}
DECISION_BASES: dict[str, str] = {
    "assessment": "na beoordeling door een beslisser",
    "without_investigation": "toegekend zonder onderzoek (achteraf toetsen)",
    "file_check": "toegekend op basis van de bestandscheck",
}
CHECK_MOMENTS = {"vooraf": "vooraf", "achteraf": "achteraf"}
LIMIT_METHODS = {"percentage": "percentage van de bijstandsnorm", "fixed": "vaste bedragen"}
NORM_LABELS = {
    "single_working_age": "Alleenstaande, onder de pensioenleeftijd",
    "couple_working_age": "Gehuwden of samenwonenden, onder de pensioenleeftijd",
    "single_pension_age": "Alleenstaande, pensioenleeftijd",
    "couple_pension_age": "Gehuwden of samenwonenden, pensioenleeftijd",
}
PER_HOUSEHOLD_LABELS = {
    "single": "Alleenstaande",
    "single_parent": "Alleenstaande ouder",
    "couple": "Gehuwden of samenwonenden",
}
assert set(DOCUMENT_KINDS) == set(get_args(DocumentKind))
assert set(DOCUMENT_SOURCES) == set(get_args(DocumentSource))
assert set(REJECTION_REASONS) == set(get_args(RejectionReason))
assert set(DECISION_BASES) == set(get_args(DecisionBasis))


def euro(value: Any) -> str:
    """An amount from a service ("1702.5", a number) as Dutch money: € 1.702,50."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    sign = "-" if amount < 0 else ""
    whole, cents = f"{abs(amount):,.2f}".split(".")
    return f"€ {sign}{whole.replace(',', '.')},{cents}"


def number(value: Any) -> str:
    """A decimal from a service with a Dutch decimal comma, without needless zeros: 120, 8,5."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = f"{amount.normalize():f}" if amount == amount.to_integral() else f"{amount:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def file_size(value: Any) -> str:
    """A size in bytes in words a person reads: 812 bytes, 14 kB, 2,4 MB."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return ""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} kB"
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def _names(context: Context) -> Names:
    """The names of the signed-in staff member's request (none on the login pages)."""
    staff = context.get("staff")
    names = getattr(staff, "names", None)
    return names if isinstance(names, Names) else Names()


@pass_context
def actor(context: Context, value: Any) -> str:
    """Who acted, by name: a staff member's display name, an API key's label, "Systeem"."""
    return _names(context).actor(value)


@pass_context
def audit_actor(context: Context, value: Any) -> str:
    """Who acted, for the audit logs: by name and account ("Demo Behandelaar (demo@...)")."""
    return _names(context).account(value)


@pass_context
def municipality(context: Context, value: Any) -> str:
    """A municipality (or ISD) by name, e.g. Teylingen instead of 1525."""
    return _names(context).organisation(value)


def audit_result(value: Any) -> str:
    """A security audit result in Dutch; details after the known opening are kept as they are
    (organisation ids, role names, counts)."""
    text = str(value)
    for opening, dutch in _RESULTS:
        if text.startswith(opening):
            rest = text[len(opening) :].replace("minutes", "minuten").replace(" left", " over")
            for role, label in ROLES.items():
                rest = re.sub(rf"\b{role}\b", label.lower(), rest)
            return dutch + rest
    return text


def _lookup(table: dict[str, str]) -> Callable[[Any], str]:
    def label(value: Any) -> str:
        return table.get(str(value), str(value))

    return label


def when(value: Any) -> str:
    """An ISO timestamp from a service as Dutch local time, e.g. 29-11-2026 09:15."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(AMSTERDAM)
    return moment.strftime("%d-%m-%Y %H:%M")


def day(value: Any) -> str:
    if not value:
        return ""
    try:
        return date.fromisoformat(str(value)[:10]).strftime("%d-%m-%Y")
    except ValueError:
        return str(value)


def age(value: Any) -> str:
    """A person's age in years today (Dutch calendar), from an ISO date of birth."""
    try:
        born = date.fromisoformat(str(value)[:10])
    except ValueError:
        return ""
    today = datetime.now(AMSTERDAM).date()
    years = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    return f"{years} jaar"


FILTERS: dict[str, Callable[[Any], str]] = {
    "category": _lookup(CATEGORIES),
    "status": _lookup(STATUSES),
    "kind": _lookup(KINDS),
    "role": _lookup(_ALL_ROLES),
    "quarantine_status": _lookup(QUARANTINE_STATUSES),
    "advice": _lookup(ADVICE),
    "history_action": _lookup(HISTORY_ACTIONS),
    "import_status": _lookup(IMPORT_STATUSES),
    "import_outcome": _lookup(IMPORT_OUTCOMES),
    "security_action": _lookup(SECURITY_ACTIONS),
    "access_action": _lookup(ACCESS_ACTIONS),
    "purpose": _lookup(PURPOSES),
    "audit_result": audit_result,
    "document_kind": _lookup(DOCUMENT_KINDS),
    "document_source": _lookup(DOCUMENT_SOURCES),
    "source_document_kind": _lookup(SOURCE_DOCUMENT_KINDS),
    "source_document_state": _lookup(SOURCE_DOCUMENT_STATES),
    "session_state": _lookup(SESSION_STATES),
    "session_trigger": _lookup(SESSION_TRIGGERS),
    "data_origin": _lookup(DATA_ORIGINS),
    "person": _lookup(PERSONS),
    "income_kind": _lookup(INCOME_KINDS),
    "asset_kind": _lookup(ASSET_KINDS),
    "frequency": _lookup(FREQUENCIES),
    "data_source": _lookup(DATA_SOURCES),
    "household_type": _lookup(HOUSEHOLD_TYPES),
    "age_band": _lookup(AGE_BANDS),
    "outcome": _lookup(OUTCOMES),
    "rejection_reason": _lookup(REJECTION_REASONS),
    "decision_basis": _lookup(DECISION_BASES),
    "limit_method": _lookup(LIMIT_METHODS),
    "euro": euro,
    "number": number,
    "file_size": file_size,
    "when": when,
    "day": day,
    "age": age,
    "days_left": days_left,
}
CONTEXT_FILTERS: dict[str, Callable[..., str]] = {
    "audit_actor": audit_actor,
    "actor": actor,
    "municipality": municipality,
}
"""The filters that read the request's names (`Staff.names`)."""
