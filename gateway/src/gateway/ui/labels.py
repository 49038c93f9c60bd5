"""Dutch words for the values services answer with (statuses, categories, kinds, roles)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

CATEGORIES = {
    "received": "Ontvangen",
    "in_progress": "In behandeling",
    "under_investigation": "In onderzoek",
    "decided_granted": "Toegekend",
    "decided_rejected": "Afgewezen",
    "not_processed": "Buiten behandeling",
    "aborted": "Afgebroken",
    "closed": "Afgesloten",
}
STATUSES = {
    "received": "Ontvangen",
    "invited": "Uitgenodigd",
    "awaiting_data": "Wacht op gegevens",
    "advice_ready": "Advies gereed",
    "on_hold": "In afwachting",
    "under_investigation": "In onderzoek (hersteltermijn loopt)",
    "decided_granted": "Besloten: toegekend",
    "decided_rejected": "Besloten: afgewezen",
    "not_processed": "Buiten behandeling",
    "aborted": "Afgebroken",
    "closed": "Afgesloten",
}
CATEGORY_STATUSES = {
    "received": ("received",),
    "in_progress": ("invited", "awaiting_data", "advice_ready", "on_hold"),
    "under_investigation": ("under_investigation",),
    "decided_granted": ("decided_granted",),
    "decided_rejected": ("decided_rejected",),
    "not_processed": ("not_processed",),
    "aborted": ("aborted",),
    "closed": ("closed",),
}
"""The statuses of each overview category (as the cases service maps them): the case list
filters on statuses, so a click on a count becomes these `status` filters."""
KINDS = {"application": "Aanvraag", "re_examination": "Heronderzoek"}
ADVICE = {"grant": "Toekennen", "investigate": "Onderzoeken", "reject": "Afwijzen"}
"""The system's advice; kept visibly apart from the status *In onderzoek* set by staff."""
SORTS = {
    "-submitted_at": "Nieuwste eerst",
    "submitted_at": "Oudste eerst",
    "-status_changed_at": "Laatst gewijzigd eerst",
    "application_number": "Aanvraagnummer",
}
HISTORY_ACTIONS = {
    "opened": "Geopend",
    "corrected": "Gecorrigeerd door de aanvrager",
    "awaiting_data": "Wacht op gegevens",
    "advice_ready": "Advies gereed",
    "investigation_started": "In onderzoek genomen",
    "decided": "Besloten",
    "not_processed": "Buiten behandeling gesteld",
    "closed": "Gesloten",
    "aborted": "Afgebroken",
    "restored": "Hersteld",
    "put_on_hold": "In afwachting gezet",
    "hold_lifted": "Uit afwachting gehaald",
    "hold_changed": "Afwachting gewijzigd",
    "assigned": "Toegewezen",
    "unassigned": "Toewijzing opgeheven",
}
IMPORT_STATUSES = {"processing": "Bezig", "completed": "Klaar", "failed": "Mislukt"}
IMPORT_OUTCOMES = {"imported": "Geïmporteerd", "rejected": "Afgekeurd", "duplicate": "Dubbel"}
ROLES = {
    "raadpleger": "Raadpleger",
    "behandelaar": "Behandelaar",
    "beslisser": "Beslisser",
    "functioneel_beheerder": "Functioneel beheerder",
    "auditor": "Auditor",
    "operator": "Operator",
}
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
    "account.disable": "Account uitgeschakeld",
    "account.enable": "Account ingeschakeld",
    "mfa.enrol": "Tweestapsverificatie ingericht",
    "mfa.reset": "Tweestapsverificatie gewist",
    "password.change": "Wachtwoord gewijzigd",
    "password.reset": "Tijdelijk wachtwoord gegeven",
    "user.create": "Gebruiker aangemaakt",
    "role.change": "Rol gewijzigd",
}
ACCESS_ACTIONS = {
    "case.viewed": "Case bekeken",
    "cases.exported": "Caselijst geëxporteerd",
    "cases.searched_by_bsn": "Gezocht op BSN",
    "case.memos_viewed": "Notities bekeken",
}
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


_ACTORS = {"cli": "beheer-opdrachtregel", "system": "systeem"}


def audit_actor(value: Any) -> str:
    """Who acted: an account's user name, the admin CLI or the system itself."""
    text = str(value)
    return _ACTORS.get(text, text.removeprefix("user:"))


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


FILTERS: dict[str, Callable[[Any], str]] = {
    "category": _lookup(CATEGORIES),
    "status": _lookup(STATUSES),
    "kind": _lookup(KINDS),
    "role": _lookup(ROLES),
    "quarantine_status": _lookup(QUARANTINE_STATUSES),
    "advice": _lookup(ADVICE),
    "history_action": _lookup(HISTORY_ACTIONS),
    "import_status": _lookup(IMPORT_STATUSES),
    "import_outcome": _lookup(IMPORT_OUTCOMES),
    "security_action": _lookup(SECURITY_ACTIONS),
    "access_action": _lookup(ACCESS_ACTIONS),
    "purpose": _lookup(PURPOSES),
    "audit_result": audit_result,
    "audit_actor": audit_actor,
    "when": when,
    "day": day,
}
