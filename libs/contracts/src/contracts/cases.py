"""Events published by the cases service."""

from __future__ import annotations

import uuid
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from contracts.base import Event

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


class CaseHouseholdCorrected(Event):
    """The resident corrected the application behind a case; the household was replaced."""

    event_type: ClassVar[str] = "cases.case.household_corrected"
    version: ClassVar[int] = 1

    case_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    revision: int = Field(ge=2)
    adults: int = Field(ge=1, le=2)
    persons: int = Field(ge=1)


CASES_EVENTS: tuple[type[Event], ...] = (CaseOpened, CaseHouseholdCorrected)
