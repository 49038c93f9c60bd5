"""HTTP models of retention."""

from __future__ import annotations

import uuid

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field


class RetentionPeriods(BaseModel):
    model_config = ConfigDict(extra="forbid")

    letter_years: int = Field(ge=1, le=100, description="decisions and other letters")
    evidence_years: int = Field(ge=1, le=100, description="evidence and other documents")


class RetentionOut(RetentionPeriods):
    municipality_code: str
    is_default: bool = Field(description="true: the service's defaults apply")


class LegalHoldRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=500, examples=["Bezwaarprocedure loopt"])


class LegalHoldOut(BaseModel):
    case_id: uuid.UUID
    legal_hold: bool
    reason: str | None
    set_by: str | None
    set_at: AwareDatetime | None
