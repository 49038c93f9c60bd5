"""Events published by the intake service."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import ClassVar

from pydantic import AwareDatetime, Field

from contracts.base import Event
from contracts.household import Household


class _ApplicationRevision(Event):
    """One revision of a website application; revision 1 is the original, later ones corrections."""

    application_id: uuid.UUID
    application_number: str
    revision: int = Field(ge=1)
    source_event_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    submitted_at: AwareDatetime
    requested_start_date: date
    insurer: str | None = None
    package: str | None = None
    household: Household
    declared_income_applicant: Decimal | None = None
    declared_income_partner: Decimal | None = None
    consent_data_retrieval: bool = False


class ApplicationReceived(_ApplicationRevision):
    """A valid application arrived from the GezondVerzekerd website for the first time."""

    event_type: ClassVar[str] = "intake.application.received"
    version: ClassVar[int] = 1


class ApplicationCorrected(_ApplicationRevision):
    """The resident corrected an application: a new revision replaces the household."""

    event_type: ClassVar[str] = "intake.application.corrected"
    version: ClassVar[int] = 1

    corrected_at: datetime


INTAKE_EVENTS: tuple[type[Event], ...] = (ApplicationReceived, ApplicationCorrected)
