"""HTTP request and response models of the intake API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from intake.models import QuarantinedMessage


class IntakeResult(BaseModel):
    outcome: Literal["accepted", "corrected", "duplicate"]
    application_number: str
    revision: int | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"outcome": "accepted", "application_number": "GV-2026-0001234", "revision": 1}
            ]
        }
    )


class QuarantineResult(BaseModel):
    outcome: Literal["quarantined"] = "quarantined"
    quarantine_id: uuid.UUID
    reason_code: str
    reason: str

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "outcome": "quarantined",
                    "quarantine_id": "5f0b3c1e-3c55-4c6e-9d8e-0a2b6f1d2e33",
                    "reason_code": "invalid_bsn",
                    "reason": "BSN of the partner fails the eleven-test",
                }
            ]
        }
    )


class QuarantinedItem(BaseModel):
    id: uuid.UUID
    received_at: datetime
    channel: str
    message_id: str | None
    municipality_code: str | None
    reason_code: str
    reason: str
    status: Literal["quarantined", "reprocessed", "discarded"]
    times_received: int
    attempts: int
    last_attempt_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None

    @classmethod
    def of(cls, item: QuarantinedMessage) -> QuarantinedItem:
        return cls.model_validate(item, from_attributes=True)


class QuarantinedDetail(QuarantinedItem):
    body: str = Field(description="the raw message body as received (personal data)")


class QuarantinePage(BaseModel):
    items: list[QuarantinedItem]
    next_cursor: str | None


class DiscardRequest(BaseModel):
    reason: str = Field(min_length=3, max_length=500)
