"""The HTTP models of the cases service: its answers and request bodies.

The cases service's routes take and answer these; the gateway's public routes
(`/api/v1/cases...`, `/api/v1/overview`, `/api/v1/audit`) document and check the same ones.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from contracts.vocabulary import Advice, CaseKind, CaseStatus, Category, Decision, Role

_CASE_ID = "5f0c6a8e-3b1d-4c2e-9f47-0e8a1d2b3c4d"

_ADULT_EXAMPLE: dict[str, Any] = {
    "bsn": "111222333",
    "initials": "J.",
    "first_name": "Jan",
    "prefix": "de",
    "last_name": "Vries",
    "date_of_birth": "1981-04-17",
    "email": "jan.devries@example.nl",
    "phone": "0612345678",
    "address": {
        "street": "Prinsengracht",
        "house_number": 263,
        "house_number_suffix": "A",
        "postal_code": "1016 GV",
        "city": "Amsterdam",
    },
}
_HOUSEHOLD_EXAMPLE: dict[str, Any] = {
    "applicant": _ADULT_EXAMPLE,
    "partner": None,
    "children": [{"bsn": "312966210", "first_name": "Noor", "date_of_birth": "2012-06-30"}],
}
_SUMMARY_EXAMPLE: dict[str, Any] = {
    "id": _CASE_ID,
    "application_number": "GV-2026-0001234",
    "kind": "application",
    "status": "received",
    "municipality_code": "0363",
    "adults": 1,
    "persons": 2,
    "submitted_at": "2026-11-29T08:15:00Z",
    "status_changed_at": "2026-11-29T08:15:02Z",
    "advice": None,
    "assigned_to": None,
    "campaign": None,
    "applicant_name": "A. de Vries",
    "decision_due_on": "2027-01-24",
    "decision_days_left": 48,
    "decision_term_suspended": False,
}


class CaseSummary(BaseModel):
    """One row of the case list."""

    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [_SUMMARY_EXAMPLE]}
    )

    id: uuid.UUID
    application_number: str
    kind: CaseKind
    status: CaseStatus
    municipality_code: str
    adults: int
    persons: int
    submitted_at: datetime
    status_changed_at: datetime
    advice: Advice | None = None
    assigned_to: str | None = None
    campaign: str | None = None
    applicant_name: str | None = Field(
        default=None,
        description="the applicant's name as a person reads it (first name or initials, "
        "prefix, last name); in the list only",
    )
    decision_due_on: date | None = Field(
        default=None,
        description="the decision's due date (Awb 4:13): the Dutch calendar day of receipt plus "
        "eight weeks, later by the days a term to complete suspended it (Awb 4:15; a running "
        "term counts up to its last day); null for a re-examination",
    )
    decision_days_left: int | None = Field(
        default=None,
        description="days from today to `decision_due_on`, negative once passed; null when "
        "there is no statutory term or the case is decided (the term no longer runs)",
    )
    decision_term_suspended: bool = Field(
        default=False,
        description="a term to complete runs now, so the decision term is suspended",
    )


class CasePage(BaseModel):
    """A page of cases in the requested order; pass `next_cursor` as `cursor` (with the same
    filters and sort) for the next page."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [_SUMMARY_EXAMPLE],
                    "next_cursor": None,
                    "total": 1,
                    "total_is_exact": True,
                }
            ]
        }
    )

    items: list[CaseSummary]
    next_cursor: str | None
    total: int | None = Field(
        default=None,
        description="how many cases match the filters, counted up to 10,000 (see total_is_exact)",
    )
    total_is_exact: bool = Field(
        default=True, description="false: more cases match than `total` (the count stopped)"
    )


class Address(BaseModel):
    street: str
    house_number: int
    house_number_suffix: str | None = None
    postal_code: str
    city: str


class Adult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_ADULT_EXAMPLE]})

    bsn: str
    initials: str
    first_name: str | None = None
    prefix: str | None = None
    last_name: str
    date_of_birth: date
    email: str | None = None
    phone: str | None = None
    address: Address | None = None


class Child(BaseModel):
    bsn: str
    first_name: str
    date_of_birth: date


class Household(BaseModel):
    """The applicant, the partner if any, and the children."""

    model_config = ConfigDict(json_schema_extra={"examples": [_HOUSEHOLD_EXAMPLE]})

    applicant: Adult
    partner: Adult | None = None
    children: list[Child] = []


class Declared(BaseModel):
    """What the resident declared on the website with one revision of the application."""

    requested_start_date: date | None = None
    insurer: str | None = None
    package: str | None = None
    income_applicant: Decimal | None = Field(
        default=None, description="declared monthly net income of the applicant, in euros"
    )
    income_partner: Decimal | None = None
    consent_data_retrieval: bool = False


class Revision(BaseModel):
    """One revision of the household as the resident submitted or corrected it."""

    model_config = ConfigDict(from_attributes=True)

    revision: int
    received_at: datetime
    household: Household
    declared: Declared | None = Field(
        default=None,
        description="what the website form declared; none for a re-examination or a case "
        "opened before it was kept",
    )


class HistoryEntry(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "occurred_at": "2026-11-29T08:15:02Z",
                    "action": "opened",
                    "actor": "system",
                    "from_status": None,
                    "to_status": "received",
                    "reason": None,
                    "details": {"revision": 1},
                }
            ]
        },
    )

    occurred_at: datetime
    action: str
    actor: str
    from_status: CaseStatus | None
    to_status: CaseStatus | None
    reason: str | None
    details: dict[str, Any]


class CaseDetail(CaseSummary):
    """A case with its current household, every revision and its history."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **_SUMMARY_EXAMPLE,
                    "category": "received",
                    "application_id": "9d2f7c1e-0a4b-4e6f-8c3d-1b2a3c4d5e6f",
                    "revision": 1,
                    "corrected": False,
                    "created_at": "2026-11-29T08:15:02Z",
                    "updated_at": "2026-11-29T08:15:02Z",
                    "household": _HOUSEHOLD_EXAMPLE,
                    "revisions": [
                        {
                            "revision": 1,
                            "received_at": "2026-11-29T08:15:00Z",
                            "household": _HOUSEHOLD_EXAMPLE,
                        }
                    ],
                    "history": [],
                }
            ]
        }
    )

    category: Category
    application_id: uuid.UUID
    revision: int
    corrected: bool
    created_at: datetime
    updated_at: datetime
    household: Household
    revisions: list[Revision]
    history: list[HistoryEntry]


class Counts(BaseModel):
    applications: int
    adults: int
    persons: int


class CategoryCounts(Counts):
    category: Category


class DeadlineCounts(BaseModel):
    """Undecided cases by their decision term (Awb 4:13): the list's `deadline` filter."""

    within_7_days: int = Field(description="due today or within the next seven days")
    passed: int = Field(description="due before today")


class Overview(BaseModel):
    """Per overview category (all of them, in display order): applications, adults, persons;
    and the undecided cases whose decision term ends soon or passed."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "categories": [
                        {"category": "received", "applications": 3, "adults": 4, "persons": 7},
                        {"category": "in_progress", "applications": 0, "adults": 0, "persons": 0},
                    ],
                    "total": {"applications": 3, "adults": 4, "persons": 7},
                    "deadlines": {"within_7_days": 1, "passed": 0},
                }
            ]
        }
    )

    categories: list[CategoryCounts]
    total: Counts
    deadlines: DeadlineCounts | None = Field(
        default=None, description="with the same filters (a re-examination has no term)"
    )


Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
MemoText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Assignee = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

_MEMO_ID = "0b7e3c1a-5d2f-4a8e-9c6b-1e2d3f4a5b6c"


class TransitionRequest(BaseModel):
    """Move the case to another status; why is recorded in its history."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"to": "decided_granted", "reason": "Inkomen en vermogen binnen de normen."}
            ]
        },
    )

    to: CaseStatus
    reason: Reason


class HoldRequest(BaseModel):
    """Put the case on hold (in afwachting); `until` is the last day of the hold, if known."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"reason": "Wacht op loonstroken van de partner", "until": "2026-12-15"}]
        },
    )

    reason: Reason
    until: date | None = Field(
        None, description="last day on hold (Dutch calendar); lifted automatically after it"
    )


class AssigneeRequest(BaseModel):
    """Assign the case: a staff member's subject id, `me` for yourself, or null for nobody."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"assignee": "me"}, {"assignee": None}]},
    )

    assignee: Assignee | None


class MemoRequest(BaseModel):
    """A new memo; to correct an earlier memo, name it in `corrects` (memos never change)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"text": "Aanvrager belde: loonstroken volgen per post.", "corrects": None},
                {"text": "Correctie: de loonstroken komen per e-mail.", "corrects": _MEMO_ID},
            ]
        },
    )

    text: MemoText
    corrects: uuid.UUID | None = None


class Memo(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": _MEMO_ID,
                    "created_at": "2026-11-30T10:04:00Z",
                    "author": "staff-1",
                    "organisation": "gemeente-amsterdam",
                    "text": "Aanvrager belde: loonstroken volgen per post.",
                    "corrects": None,
                    "corrected_by": [],
                }
            ]
        }
    )

    id: uuid.UUID
    created_at: datetime
    author: str
    organisation: str
    text: str
    corrects: uuid.UUID | None = Field(description="the memo this one corrects")
    corrected_by: list[uuid.UUID] = Field(description="later memos that correct this one")


class Hold(BaseModel):
    reason: str | None
    until: date | None
    since: datetime
    from_status: CaseStatus = Field(description="the status the case returns to")


_HANDLING_EXAMPLE: dict[str, Any] = {
    "id": _CASE_ID,
    "application_number": "GV-2026-0001234",
    "kind": "application",
    "status": "on_hold",
    "municipality_code": "0363",
    "adults": 1,
    "persons": 2,
    "submitted_at": "2026-11-29T08:15:00Z",
    "status_changed_at": "2026-11-30T09:00:00Z",
    "advice": None,
    "assigned_to": "staff-1",
    "campaign": None,
    "decision": None,
    "hold": {
        "reason": "Wacht op loonstroken van de partner",
        "until": "2026-12-15",
        "since": "2026-11-30T09:00:00Z",
        "from_status": "awaiting_data",
    },
    "seconds_on_hold": 3600,
    "handling_seconds": 88500,
    "handling_ended_at": None,
    "allowed_transitions": ["awaiting_data", "aborted"],
}


class CaseHandling(CaseSummary):
    """The case's handling state: the summary, its hold, its handling time, what may follow.

    `handling_seconds`: from submission to the decision (or now while it runs), without the
    time on hold (`seconds_on_hold`, the current hold included).
    """

    model_config = ConfigDict(json_schema_extra={"examples": [_HANDLING_EXAMPLE]})

    decision: Decision | None = Field(description="the outcome, once decided")
    hold: Hold | None = Field(description="set while the case is on hold")
    seconds_on_hold: int = Field(description="all time on hold so far, the current hold included")
    handling_seconds: int
    handling_ended_at: datetime | None = Field(
        description="when the clock stopped (decided, not processed, aborted)"
    )
    allowed_transitions: list[CaseStatus] = Field(
        description="the statuses the caller's role may move the case to now"
    )


class AuditEntry(BaseModel):
    """One access to personal data; the data subject only as a keyed hash of the BSN."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    occurred_at: datetime
    actor: str
    organisation: str
    role: Role
    action: str = Field(description="e.g. `case.viewed`, `cases.exported`")
    municipality_code: str | None
    case_id: uuid.UUID | None
    application_number: str | None = Field(
        default=None, description="the case's number, for entries about one case"
    )
    purpose: str
    trace_id: str
    data_subject_hash: str | None
    row_count: int | None
    details: dict[str, Any]


class AuditPage(BaseModel):
    """A page of the access log, newest first; pass `next_cursor` as `cursor` for the next."""

    items: list[AuditEntry]
    next_cursor: str | None
