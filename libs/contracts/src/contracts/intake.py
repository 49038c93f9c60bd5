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


class ReExaminationRequested(Event):
    """A resident (with their partner) was imported for a re-examination campaign: open a case.

    One valid row of a re-examination import. The household's postal address is the
    applicant's; the import knows only how many children there are, so `household.children`
    is empty and `children_count` carries the number.
    """

    event_type: ClassVar[str] = "intake.re_examination.requested"
    version: ClassVar[int] = 1

    import_id: uuid.UUID
    line: int = Field(ge=2, description="line (CSV) or row (XLSX) in the file; 1 is the header")
    campaign: str = Field(min_length=1, max_length=100, examples=["Heronderzoek 2027"])
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    re_examination_key: str = Field(
        description="stable per municipality, campaign and resident: "
        "`<municipality>:<campaign>:<HMAC-SHA256 of the BSN>`, never the BSN itself"
    )
    household: Household
    children_count: int = Field(ge=0)
    email: str | None = None
    policy_number: str | None = None
    requested_at: AwareDatetime
    imported_by: str | None = Field(
        None,
        description="the staff member who uploaded the file (their subject, never a name); "
        "absent in events of imports made before it was added",
    )


INTAKE_EVENTS: tuple[type[Event], ...] = (
    ApplicationReceived,
    ApplicationCorrected,
    ReExaminationRequested,
)
