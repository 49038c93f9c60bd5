"""HTTP models of the case's assessment: everything the section *Rechtmatigheidsadvies* shows."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from assessment.advice.models import GivenAdvice
from assessment.decisions.models import Decision
from assessment.ockto.schemas import SessionOut

ADVICE_LABELS = {"grant": "Toekennen", "investigate": "Onderzoeken", "reject": "Afwijzen"}
"""The advice's words; never the status *In onderzoek* (an official's step, kept apart)."""
REASON_LABELS = {
    "income_above_limit": "inkomen boven de grens",
    "assets_above_limit": "vermogen boven de grens",
    "within_margin": "binnen de marge",
    "self_employed": "inkomen als zelfstandige",
    "partner_not_on_case": "partner gevonden die niet op de aanvraag staat",
    "data_incomplete": "gegevens onvolledig",
    "conflicting_data": "gegevens spreken elkaar tegen",
}


class AdviceOut(BaseModel):
    advice_id: uuid.UUID
    advice: str = Field(description="grant, investigate or reject")
    label: str = Field(description="Toekennen, Onderzoeken or Afwijzen")
    reasons: list[str]
    reason_labels: list[str]
    explanation: list[str] = Field(description="plain Dutch, sentence by sentence")
    figures: dict[str, Any] = Field(description="income per person and together, limits, assets")
    parameter_version_id: uuid.UUID
    trigger: str
    requested_by: str
    given_at: datetime

    @classmethod
    def of(cls, advice: GivenAdvice) -> AdviceOut:
        return cls(
            advice_id=advice.id,
            advice=advice.advice,
            label=ADVICE_LABELS[advice.advice],
            reasons=list(advice.reasons),
            reason_labels=[REASON_LABELS.get(r, r) for r in advice.reasons],
            explanation=list(advice.explanation),
            figures=advice.figures,
            parameter_version_id=advice.parameter_version_id,
            trigger=advice.trigger,
            requested_by=advice.requested_by,
            given_at=advice.given_at,
        )


class AdviceHistoryItem(BaseModel):
    advice_id: uuid.UUID
    advice: str
    label: str
    parameter_version_id: uuid.UUID
    given_at: datetime


class DataSource(BaseModel):
    package_id: uuid.UUID
    origin: str = Field(description="`ockto`, or `manual` (entered by staff)")
    current: bool = Field(description="the newest of its origin: the one the advice uses")
    recorded_by: str
    recorded_at: datetime
    persons: list[str]
    sources: dict[str, list[str]] = Field(description="per person, the sources logged in to")
    period_first: date | None
    period_last: date | None
    partner_detected: bool | None
    incomes: list[dict[str, Any]]
    assets: list[dict[str, Any]]
    documents: list[dict[str, Any]]


class DecisionOut(BaseModel):
    decision_id: uuid.UUID
    outcome: str
    basis: str
    reasons: list[str]
    custom_reason: str | None
    motivation: str | None
    advice: str | None
    differs_from_advice: bool
    effective_from: date | None
    decided_by: str
    decided_at: datetime

    @classmethod
    def of(cls, decision: Decision) -> DecisionOut:
        return cls(
            decision_id=decision.id,
            outcome=decision.outcome,
            basis=decision.basis,
            reasons=list(decision.reasons),
            custom_reason=decision.custom_reason,
            motivation=decision.motivation,
            advice=decision.advice,
            differs_from_advice=decision.differs_from_advice,
            effective_from=decision.effective_from,
            decided_by=decision.decided_by,
            decided_at=decision.decided_at,
        )


class AssessmentOut(BaseModel):
    case_id: uuid.UUID
    municipality_code: str
    status: str
    parameter_version_id: uuid.UUID = Field(description="the version that applies to the case")
    check_moment: str
    four_eyes: bool
    sessions: list[SessionOut]
    data: list[DataSource]
    advice: AdviceOut | None
    advice_history: list[AdviceHistoryItem]
    decision: DecisionOut | None
    may_decide: bool = Field(description="whether the caller may record the decision now")
