"""Events published by the cases service."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from contracts.base import Event
from contracts.household import Household

CaseKind = Literal["application", "re_examination"]


class CaseOpened(Event):
    """A case was opened for an application or a re-examination."""

    event_type: ClassVar[str] = "cases.case.opened"
    version: ClassVar[int] = 1

    case_id: uuid.UUID
    kind: CaseKind
    application_number: str
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    status: str
    adults: int = Field(ge=1, le=2)
    persons: int = Field(ge=1)
    submitted_at: AwareDatetime
    household: Household | None = Field(
        None,
        description="the household the case opened with (personal data, for the services that "
        "write to or assess the resident); a re-examination carries no children, only `persons`",
    )
    campaign: str | None = Field(None, description="the re-examination campaign, if any")
    requested_start_date: date | None = Field(
        None, description="the start of the contribution the resident asked for (website)"
    )


class CaseHouseholdCorrected(Event):
    """The resident corrected the application behind a case; the household was replaced."""

    event_type: ClassVar[str] = "cases.case.household_corrected"
    version: ClassVar[int] = 1

    case_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    revision: int = Field(ge=2)
    adults: int = Field(ge=1, le=2)
    persons: int = Field(ge=1)
    household: Household | None = Field(None, description="the household that replaced the old one")


class CaseStatusChanged(Event):
    """A case moved to another status: by staff, or by the system (e.g. a hold that ran out).

    The reason staff gave stays in the case's history: free text may hold personal data.
    """

    event_type: ClassVar[str] = "cases.case.status_changed"
    version: ClassVar[int] = 1

    case_id: uuid.UUID
    kind: CaseKind
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    from_status: str = Field(examples=["advice_ready"])
    to_status: str = Field(examples=["decided_granted"])
    transition: str = Field(
        description="the workflow's name for the step, e.g. `decided`, `put_on_hold`",
        examples=["decided"],
    )
    changed_at: AwareDatetime
    actor: str = Field(description="the staff member's subject id, or `system`")
    hold_until: date | None = Field(
        None, description="when put on hold with an end date: the last day of the hold"
    )


class CaseAssigned(Event):
    """A case was assigned to a staff member, to another one, or back to the unassigned queue."""

    event_type: ClassVar[str] = "cases.case.assigned"
    version: ClassVar[int] = 1

    case_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    assignee: str | None = Field(description="subject id of the staff member; None: unassigned")
    previous_assignee: str | None
    assigned_by: str
    assigned_at: AwareDatetime


CASES_EVENTS: tuple[type[Event], ...] = (
    CaseOpened,
    CaseHouseholdCorrected,
    CaseStatusChanged,
    CaseAssigned,
)
