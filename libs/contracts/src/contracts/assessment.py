"""Events published by the assessment service: data sessions, data, the advice, the decision."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from contracts.base import Event

Advice = Literal["grant", "investigate", "reject"]
"""The system's advice: Toekennen / Onderzoeken / Afwijzen (never the status *In onderzoek*)."""
Outcome = Literal["granted", "rejected"]
DecisionBasis = Literal["assessment", "without_investigation", "file_check"]
"""How the decision came about: a beslisser after the assessment; "toegekend zonder onderzoek"
(achteraf toetsen); "toegekend op basis van bestandscheck"."""
RejectionReason = Literal["income_too_high", "assets_too_high", "custom"]
"""The fixed list: inkomen te hoog, vermogen te hoog, aangepast (with free text)."""


class DataSessionStarted(Event):
    """An Ockto data session was started for a case: the resident can be invited to it."""

    event_type: ClassVar[str] = "assessment.data_session.started"
    version: ClassVar[int] = 1

    session_id: str
    case_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    url: str = Field(description="the resident's personal link to Ockto (also as a QR code)")
    expires_at: AwareDatetime
    trigger: Literal["automatic", "manual"]
    started_by: str = Field(description="staff subject id, or `system`")
    started_at: AwareDatetime


class DataSessionExpired(Event):
    """A data session ran out before the resident delivered."""

    event_type: ClassVar[str] = "assessment.data_session.expired"
    version: ClassVar[int] = 1

    session_id: str
    case_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    expired_at: AwareDatetime


class DataDelivered(Event):
    """Income and asset data for a case arrived: through Ockto, or entered by staff by hand."""

    event_type: ClassVar[str] = "assessment.data.delivered"
    version: ClassVar[int] = 1

    case_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    source: Literal["ockto", "manual"]
    session_id: str | None = None
    delivery_id: uuid.UUID | None = None
    recorded_by: str = Field(description="staff subject id, or `ockto`")
    delivered_at: AwareDatetime


class AdviceGiven(Event):
    """The system computed (or recomputed) its advice for a case."""

    event_type: ClassVar[str] = "assessment.advice.given"
    version: ClassVar[int] = 1

    advice_id: uuid.UUID
    case_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    advice: Advice
    reasons: tuple[str, ...] = Field(
        description="stable reason codes, e.g. `income_above_limit`, `within_margin`, "
        "`self_employed`, `partner_not_on_case`, `data_incomplete`"
    )
    parameter_version_id: uuid.UUID
    four_eyes: bool = Field(
        False,
        description="the municipality's parameters require four eyes: whoever prepared the "
        "case may not decide it, a second person does",
    )
    given_at: AwareDatetime


class DecisionRecorded(Event):
    """The decision on a case: the one source of the decided statuses and the decision letter."""

    event_type: ClassVar[str] = "assessment.decision.recorded"
    version: ClassVar[int] = 1

    decision_id: uuid.UUID
    case_id: uuid.UUID
    municipality_code: str = Field(pattern=r"^[0-9]{4}$")
    outcome: Outcome
    basis: DecisionBasis
    reasons: tuple[RejectionReason, ...] = ()
    custom_reason: str | None = Field(
        None, max_length=2000, description="the text of an `aangepast` reason, for the letter"
    )
    advice: Advice | None = Field(None, description="the advice at the time of the decision")
    differs_from_advice: bool = False
    effective_from: date | None = Field(None, description="start of the contribution (granted)")
    decided_by: str = Field(description="staff subject id, or `system`")
    decided_at: AwareDatetime


ASSESSMENT_EVENTS: tuple[type[Event], ...] = (
    DataSessionStarted,
    DataSessionExpired,
    DataDelivered,
    AdviceGiven,
    DecisionRecorded,
)
