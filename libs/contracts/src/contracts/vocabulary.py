"""The ONE vocabulary of the backoffice: the codes services answer with and their Dutch words.

Every service, export and screen reads the codes and labels from here and keeps no copy of its
own: a new status, category, advice or role is added here once, with its label (and, for a
status, its overview category); `libs/contracts/tests/test_vocabulary.py` fails otherwise.

One Dutch word per thing, everywhere (screens, exports, messages): a case is a *case*
(plural *cases*), a staff note a *memo* (plural *memo's*).
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Final


class CaseKind(StrEnum):
    APPLICATION = "application"
    RE_EXAMINATION = "re_examination"


class CaseStatus(StrEnum):
    RECEIVED = "received"
    """An application arrived and nobody has acted on it yet."""
    INVITED = "invited"
    """A re-examination: the resident was invited to deliver data."""
    AWAITING_DATA = "awaiting_data"
    """Waiting for data through Ockto or uploaded documents."""
    ADVICE_READY = "advice_ready"
    """The data are in and the system computed an advice; a decision is due."""
    ON_HOLD = "on_hold"
    """Paused by staff (the clock stops); returns to the status it came from."""
    UNDER_INVESTIGATION = "under_investigation"
    """Set by staff: information asked from the resident, the term to complete is running."""
    DECIDED_GRANTED = "decided_granted"
    DECIDED_REJECTED = "decided_rejected"
    NOT_PROCESSED = "not_processed"
    """The term to complete passed without the information (Awb 4:5)."""
    ABORTED = "aborted"
    """Stopped by staff; a beslisser may restore it."""
    CLOSED = "closed"
    """Done: decided and past the handling, awaiting removal after the retention period."""


class Category(StrEnum):
    """The overview's rows; the values are stable ids the gateway and exports rely on."""

    RECEIVED = "received"
    IN_PROGRESS = "in_progress"
    UNDER_INVESTIGATION = "under_investigation"
    DECIDED_GRANTED = "decided_granted"
    DECIDED_REJECTED = "decided_rejected"
    NOT_PROCESSED = "not_processed"
    ABORTED = "aborted"
    CLOSED = "closed"


class Advice(StrEnum):
    """The system's advice (computed by assessment); never to be confused with the status
    *In onderzoek*, which staff set."""

    GRANT = "grant"
    INVESTIGATE = "investigate"
    REJECT = "reject"


class Decision(StrEnum):
    """The formal outcome recorded on a case once it reaches a decision status."""

    GRANTED = "granted"
    REJECTED = "rejected"
    NOT_PROCESSED = "not_processed"


class Role(StrEnum):
    """Who acts. The first six are held by staff accounts and API keys; `system` only by a
    service acting for itself (`servicekit.auth.system_principal`), never issued by the gateway."""

    RAADPLEGER = "raadpleger"
    BEHANDELAAR = "behandelaar"
    BESLISSER = "beslisser"
    FUNCTIONEEL_BEHEERDER = "functioneel_beheerder"
    AUDITOR = "auditor"
    OPERATOR = "operator"
    SYSTEM = "system"


STAFF_ROLES: Final[tuple[Role, ...]] = tuple(role for role in Role if role is not Role.SYSTEM)
"""The roles a person (staff account) or an API key may hold: every role but `system`."""

CATEGORIES: Final[tuple[Category, ...]] = tuple(Category)
"""The categories in the order the overview shows them."""

CATEGORY_OF: Final[MappingProxyType[CaseStatus, Category]] = MappingProxyType(
    {
        CaseStatus.RECEIVED: Category.RECEIVED,
        CaseStatus.INVITED: Category.IN_PROGRESS,
        CaseStatus.AWAITING_DATA: Category.IN_PROGRESS,
        CaseStatus.ADVICE_READY: Category.IN_PROGRESS,
        CaseStatus.ON_HOLD: Category.IN_PROGRESS,
        CaseStatus.UNDER_INVESTIGATION: Category.UNDER_INVESTIGATION,
        CaseStatus.DECIDED_GRANTED: Category.DECIDED_GRANTED,
        CaseStatus.DECIDED_REJECTED: Category.DECIDED_REJECTED,
        CaseStatus.NOT_PROCESSED: Category.NOT_PROCESSED,
        CaseStatus.ABORTED: Category.ABORTED,
        CaseStatus.CLOSED: Category.CLOSED,
    }
)
"""The ONE mapping from status to overview category; every status has exactly one."""

STATUSES_OF_CATEGORY: Final[MappingProxyType[Category, tuple[CaseStatus, ...]]] = MappingProxyType(
    {
        category: tuple(s for s in CaseStatus if CATEGORY_OF[s] is category)
        for category in CATEGORIES
    }
)
"""The statuses each category holds (a click on an overview count filters on these)."""


def category_of(status: str) -> Category:
    """The overview category of a status (raises ValueError for an unknown status)."""
    return CATEGORY_OF[CaseStatus(status)]


STATUS_LABEL: Final[MappingProxyType[CaseStatus, str]] = MappingProxyType(
    {
        CaseStatus.RECEIVED: "Ontvangen",
        CaseStatus.INVITED: "Uitgenodigd",
        CaseStatus.AWAITING_DATA: "Wacht op gegevens",
        CaseStatus.ADVICE_READY: "Advies gereed",
        CaseStatus.ON_HOLD: "In afwachting",
        CaseStatus.UNDER_INVESTIGATION: "In onderzoek",
        CaseStatus.DECIDED_GRANTED: "Toegekend",
        CaseStatus.DECIDED_REJECTED: "Afgewezen",
        CaseStatus.NOT_PROCESSED: "Buiten behandeling",
        CaseStatus.ABORTED: "Afgebroken",
        CaseStatus.CLOSED: "Afgesloten",
    }
)
"""The status as users see it: in screens, exports and the workflow's messages."""

STATUS_HINT: Final[MappingProxyType[CaseStatus, str]] = MappingProxyType(
    {CaseStatus.UNDER_INVESTIGATION: "hersteltermijn loopt"}
)
"""A few words beside a status label where users need them (*In onderzoek* is set by staff and
a term is running; it is not the system's advice *Onderzoeken*)."""

CATEGORY_LABEL: Final[MappingProxyType[Category, str]] = MappingProxyType(
    {
        Category.RECEIVED: "Ontvangen",
        Category.IN_PROGRESS: "In behandeling",
        Category.UNDER_INVESTIGATION: "In onderzoek",
        Category.DECIDED_GRANTED: "Toegekend",
        Category.DECIDED_REJECTED: "Afgewezen",
        Category.NOT_PROCESSED: "Buiten behandeling",
        Category.ABORTED: "Afgebroken",
        Category.CLOSED: "Afgesloten",
    }
)

KIND_LABEL: Final[MappingProxyType[CaseKind, str]] = MappingProxyType(
    {CaseKind.APPLICATION: "Aanvraag", CaseKind.RE_EXAMINATION: "Heronderzoek"}
)
"""Capitalised as a label; in a sentence use `.lower()` ("een aanvraag")."""

ADVICE_LABEL: Final[MappingProxyType[Advice, str]] = MappingProxyType(
    {Advice.GRANT: "Toekennen", Advice.INVESTIGATE: "Onderzoeken", Advice.REJECT: "Afwijzen"}
)

DECISION_LABEL: Final[MappingProxyType[Decision, str]] = MappingProxyType(
    {
        Decision.GRANTED: "Toegekend",
        Decision.REJECTED: "Afgewezen",
        Decision.NOT_PROCESSED: "Buiten behandeling",
    }
)

ROLE_LABEL: Final[MappingProxyType[Role, str]] = MappingProxyType(
    {
        Role.RAADPLEGER: "Raadpleger",
        Role.BEHANDELAAR: "Behandelaar",
        Role.BESLISSER: "Beslisser",
        Role.FUNCTIONEEL_BEHEERDER: "Functioneel beheerder",
        Role.AUDITOR: "Auditor",
        Role.OPERATOR: "Operator",
        Role.SYSTEM: "Systeem",
    }
)
"""Capitalised as a label; in a sentence use `.lower()` ("uw rol behandelaar")."""

HISTORY_ACTION_LABEL: Final[MappingProxyType[str, str]] = MappingProxyType(
    {
        "opened": "Geopend",
        "corrected": "Gecorrigeerd door de aanvrager",
        "awaiting_data": "Wacht op gegevens",
        "advice_ready": "Advies gereed",
        "investigation_started": "In onderzoek genomen",
        "decided": "Besloten",
        "not_processed": "Buiten behandeling gesteld",
        "closed": "Afgesloten",
        "aborted": "Afgebroken",
        "restored": "Hersteld",
        "put_on_hold": "In afwachting gezet",
        "hold_lifted": "Uit afwachting gehaald",
        "hold_changed": "Afwachting gewijzigd",
        "assigned": "Toegewezen",
        "unassigned": "Toewijzing opgeheven",
        "memo_added": "Memo toegevoegd",
        "memo_corrected": "Memo gecorrigeerd",
        # Steps that follow another service's event (a note where the status stays).
        "data_session_started": "Uitgenodigd om gegevens te delen",
        "data_delivered": "Gegevens ontvangen",
        "document_received": "Document ontvangen",
        "advice_given": "Advies gegeven",
        "decision_recorded": "Besluit vastgelegd",
        "information_requested": "Informatie opgevraagd",
        "information_received": "Informatie ontvangen",
        "term_expired": "Hersteltermijn verlopen",
    }
)
"""The actions of a case's history (the workflow's transition names and the other steps)."""

ACCESS_ACTION_LABEL: Final[MappingProxyType[str, str]] = MappingProxyType(
    {
        "case.viewed": "Case bekeken",
        "case.memos_viewed": "Memo's bekeken",
        "cases.exported": "Cases geëxporteerd",
        "cases.searched_by_bsn": "Gezocht op BSN",
        "cases.searched_by_name": "Gezocht op naam",
        "cases.searched_by_postal_code": "Gezocht op postcode",
        "re_examinations.imported": "Heronderzoek geïmporteerd",
    }
)
"""The actions of the access log (Logboek Dataverwerkingen) the cases service records."""


MONTH_NAMES: Final[tuple[str, ...]] = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


def long_date(value: date) -> str:
    """The Dutch long form of a date, as letters and pages write it: `1 september 2026`."""
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


LETTER_KIND_LABEL: Final[MappingProxyType[str, str]] = MappingProxyType(
    {
        "acknowledgement": "Ontvangstbevestiging",
        "data_invitation": "Uitnodiging gegevens aanleveren",
        "re_examination_invitation": "Uitnodiging heronderzoek",
        "information_request": "Verzoek om informatie",
        "reminder": "Herinnering",
        "decision_granted": "Besluit: toegekend",
        "decision_rejected": "Besluit: afgewezen",
        "not_processed": "Besluit: buiten behandeling",
    }
)
"""The kinds of letter (`contracts.correspondence.LetterKind`), in their order of use."""
DECISION_LETTER_KINDS: Final = frozenset({"decision_granted", "decision_rejected", "not_processed"})
"""Letters that carry a decision: previewed and approved by a beslisser, sealed when possible."""
CHANNEL_LABEL: Final[MappingProxyType[str, str]] = MappingProxyType(
    {"email": "E-mail", "post": "Post"}
)
LETTER_STATUS_LABEL: Final[MappingProxyType[str, str]] = MappingProxyType(
    {
        "draft": "Concept (wacht op akkoord)",
        "held": "Wacht op de campagne",
        "queued": "In de wachtrij",
        "rendered": "Opgemaakt",
        "retry": "Opnieuw proberen",
        "sent": "Verzonden",
        "failed": "Niet verzonden",
        "bounced": "Onbestelbaar",
        "cancelled": "Geannuleerd",
    }
)


class DeadlineFilter(StrEnum):
    """The case list's filter on the decision term (Awb 4:13): open cases only."""

    WITHIN_7_DAYS = "within_7_days"
    """Due today or within the next seven days."""
    PASSED = "passed"
    """Due before today and not yet decided."""


DEADLINE_FILTER_LABEL: Final[MappingProxyType[DeadlineFilter, str]] = MappingProxyType(
    {
        DeadlineFilter.WITHIN_7_DAYS: "Beslistermijn verloopt binnen 7 dagen",
        DeadlineFilter.PASSED: "Beslistermijn verstreken",
    }
)


class WorkItem(StrEnum):
    """The work list (*Te doen*): each a count of cases and the list filter `worklist=<item>`
    that shows exactly those cases."""

    ADVICE_TO_DECIDE = "advice_to_decide"
    """*Advies gereed*: the advice is in, a decision is due."""
    DATA_DELIVERED = "data_delivered"
    """Data (Ockto, entered by hand) or a document arrived since the status last changed."""
    TERM_ENDING = "term_ending"
    """The term to complete (hersteltermijn) ends today or within three days."""
    TERM_PASSED = "term_passed"
    """The term to complete passed without the information: proposed *buiten behandeling*."""
    LETTER_FAILED = "letter_failed"
    """A letter or e-mail could not be sent (parked after its retries)."""
    REMINDER_SENT_TODAY = "reminder_sent_today"
    """A reminder went out today."""
    FOUR_EYES = "four_eyes"
    """Advice ready where four eyes apply: the decision waits for a second person."""
    DECISION_DUE_SOON = "decision_due_soon"
    """The decision term (Awb 4:13) ends within seven days (as `deadline=within_7_days`)."""
    DECISION_OVERDUE = "decision_overdue"
    """The decision term (Awb 4:13) passed (as `deadline=passed`)."""


WORK_ITEM_LABEL: Final[MappingProxyType[WorkItem, str]] = MappingProxyType(
    {
        WorkItem.ADVICE_TO_DECIDE: "Nieuwe adviezen om te beslissen",
        WorkItem.DATA_DELIVERED: "Gegevens ontvangen",
        WorkItem.TERM_ENDING: "Hersteltermijn verloopt binnen 3 dagen",
        WorkItem.TERM_PASSED: "Hersteltermijn verstreken (voorstel buiten behandeling)",
        WorkItem.LETTER_FAILED: "Brieven niet verzonden",
        WorkItem.REMINDER_SENT_TODAY: "Herinneringen vandaag verstuurd",
        WorkItem.FOUR_EYES: "Besluiten wachten op een tweede persoon (vier ogen)",
        WorkItem.DECISION_DUE_SOON: "Beslistermijn verloopt binnen 7 dagen",
        WorkItem.DECISION_OVERDUE: "Beslistermijn verstreken",
    }
)
"""In the order the work list shows them."""
