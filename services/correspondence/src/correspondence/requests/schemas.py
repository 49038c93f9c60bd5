"""HTTP models of the information requests."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class InformationRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    items: list[str] = Field(min_length=1, max_length=20, description="what the resident must send")
    term_days: int = Field(14, ge=1, le=90, description="the term to complete (hersteltermijn)")
    message: str | None = Field(None, max_length=2000)


class InformationRequestOut(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    items: list[str]
    message: str | None
    term_days: int
    term_ends_on: date
    status: str
    requested_by: str
    requested_at: datetime
    closed_at: datetime | None
    letter_ids: list[uuid.UUID] = []
