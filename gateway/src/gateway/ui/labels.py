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
from typing import Any
from zoneinfo import ZoneInfo

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
    "audit_actor": audit_actor,
    "when": when,
    "day": day,
}
