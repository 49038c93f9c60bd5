"""HTTP models of the Ockto adapter."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from assessment.ockto.models import DataSession, RefusedDelivery


class StartedOut(BaseModel):
    session_id: str
    url: str = Field(description="the resident's link (the QR code holds the same)")
    expires_at: datetime
    qr_svg: str = Field(description="path of the QR code as SVG, for a letter or a screen")


class SessionOut(BaseModel):
    session_id: str | None
    state: str = Field(description="requested, invited, delivered, expired, cancelled, failed")
    trigger: str
    started_by: str
    requested_at: datetime
    started_at: datetime | None
    url: str | None
    expires_at: datetime | None
    delivered_at: datetime | None
    ended_at: datetime | None
    last_error: str | None

    @classmethod
    def of(cls, row: DataSession) -> SessionOut:
        return cls(
            session_id=row.ockto_session_id,
            state=row.state,
            trigger=row.trigger,
            started_by=row.started_by,
            requested_at=row.requested_at,
            started_at=row.started_at,
            url=row.url,
            expires_at=row.expires_at,
            delivered_at=row.delivered_at,
            ended_at=row.ended_at,
            last_error=row.last_error,
        )


class DeliveryAnswer(BaseModel):
    status: str = Field(description="`accepted`, or `duplicate` for a replay (no second effect)")
    delivery_id: uuid.UUID


class DeliveryRefusal(BaseModel):
    detail: str
    reason_code: str
    refusal_recorded: bool = True


class RefusedOut(BaseModel):
    id: int
    received_at: datetime
    reason_code: str
    reason: str
    http_status: int
    delivery_id: str | None
    session_id: str | None
    case_id: uuid.UUID | None
    municipality_code: str | None
    body_sha256: str
    body_bytes: int
    signature_present: bool

    @classmethod
    def of(cls, row: RefusedDelivery) -> RefusedOut:
        return cls.model_validate(row, from_attributes=True)


class RefusedPage(BaseModel):
    items: list[RefusedOut]
    next_before: int | None = Field(description="pass as `before` for the next (older) page")
