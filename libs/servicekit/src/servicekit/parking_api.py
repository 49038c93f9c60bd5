"""The internal routes of every service for its parked messages (operators, via the gateway).

Never the message body: events carry personal data (BSNs). The reason, the queue and the
original headers say what went wrong; the row keeps who replayed or discarded it, and why.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

import structlog
from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request, status
from pydantic import BaseModel, Field

from servicekit.auth import Permission, Principal, require
from servicekit.parking import (
    PARKED,
    ParkedMessage,
    ParkedMessageConflictError,
    ParkedMessageNotFoundError,
    Parking,
)

log = structlog.get_logger(__name__)

router = APIRouter(prefix="/parked", tags=["operations"])
Operator = Annotated[Principal, Depends(require(Permission.PARKED_MANAGE))]
REASON_MIN, REASON_MAX = 3, 500
REASON_REQUIRED = (
    f"Geef een reden op waarom u dit bericht afwijst ({REASON_MIN} tot {REASON_MAX} tekens)."
)
_NOT_FOUND = "Dit geparkeerde bericht bestaat niet (meer)."


class ParkedMessageOut(BaseModel):
    id: uuid.UUID
    queue: str = Field(description="the queue whose consumer parked it")
    message_id: str | None = Field(description="the event id (our own events)")
    event_type: str | None
    correlation_id: str | None
    reason: str = Field(description="why the consumer could not handle it (no input values)")
    parked_at: datetime
    headers: dict[str, Any] = Field(description="the message's headers as parked")
    status: Literal["parked", "replayed", "discarded"]
    resolved_at: datetime | None
    resolved_by: str | None
    discard_reason: str | None

    @classmethod
    def of(cls, message: ParkedMessage) -> ParkedMessageOut:
        return cls.model_validate(message, from_attributes=True)


class ParkedPage(BaseModel):
    items: list[ParkedMessageOut]
    total: int = Field(description="how many there are with this status (and queue)")


class ReplayAllResult(BaseModel):
    replayed: int


class DiscardIn(BaseModel):
    reason: str | None = Field(
        None,
        description="why (3 to 500 characters); required",
        examples=["dubbel"],
    )


def _parking(request: Request) -> Parking:
    parking: Parking = request.app.state.runtime.parking
    return parking


async def _collect(parking: Parking) -> None:
    """Take in what waits in the parking queue; the list still answers when the broker does
    not (what was taken in before is in the table)."""
    try:
        await parking.collect()
    except Exception:
        log.warning("parking.collect_failed", exc_info=True)


@router.get("", summary="Parked messages, oldest first, with their reason and headers")
async def list_parked(
    request: Request,
    _: Operator,
    state: Annotated[Literal["parked", "replayed", "discarded"], Query(alias="status")] = PARKED,
    queue: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ParkedPage:
    parking = _parking(request)
    await _collect(parking)
    items, total = await parking.list(status=state, queue=queue, limit=limit)
    return ParkedPage(items=[ParkedMessageOut.of(item) for item in items], total=total)


@router.post("/replay-all", summary="Replay every parked message (of one queue)")
async def replay_all(
    request: Request,
    principal: Operator,
    queue: Annotated[str | None, Query(max_length=200)] = None,
) -> ReplayAllResult:
    replayed = await _parking(request).replay_all(by=principal.subject, queue=queue)
    return ReplayAllResult(replayed=replayed)


@router.post("/{parked_id}/replay", summary="Publish the message back into its queue")
async def replay(request: Request, principal: Operator, parked_id: uuid.UUID) -> ParkedMessageOut:
    try:
        message = await _parking(request).replay(parked_id, by=principal.subject)
    except ParkedMessageNotFoundError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND) from None
    except ParkedMessageConflictError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None
    return ParkedMessageOut.of(message)


@router.post(
    "/{parked_id}/discard",
    summary="Discard the message with a reason (kept, never replayed)",
    responses={422: {"description": "no reason, or one too short or too long"}},
)
async def discard(
    request: Request,
    principal: Operator,
    parked_id: uuid.UUID,
    body: Annotated[DiscardIn | None, Body()] = None,
) -> ParkedMessageOut:
    reason = (body.reason or "").strip() if body is not None else ""
    if not REASON_MIN <= len(reason) <= REASON_MAX:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, REASON_REQUIRED)
    try:
        message = await _parking(request).discard(parked_id, by=principal.subject, reason=reason)
    except ParkedMessageNotFoundError:
        raise HTTPException(status.HTTP_404_NOT_FOUND, _NOT_FOUND) from None
    except ParkedMessageConflictError as error:
        raise HTTPException(status.HTTP_409_CONFLICT, str(error)) from None
    return ParkedMessageOut.of(message)
