"""HTTP models of case handling: transitions, holds, memos, assignment, handling state."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from cases.schemas import CaseSummary
from cases.statuses import CaseStatus

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
MemoText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000)]
Assignee = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]

_CASE_ID = "5f0c6a8e-3b1d-4c2e-9f47-0e8a1d2b3c4d"
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

    decision: str | None = Field(description="granted, rejected or not_processed, once decided")
    hold: Hold | None = Field(description="set while the case is on hold")
    seconds_on_hold: int = Field(description="all time on hold so far, the current hold included")
    handling_seconds: int
    handling_ended_at: datetime | None = Field(
        description="when the clock stopped (decided, not processed, aborted)"
    )
    allowed_transitions: list[CaseStatus] = Field(
        description="the statuses the caller's role may move the case to now"
    )
