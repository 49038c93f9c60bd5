"""Asking the resident for information with a term to complete (hersteltermijn, Awb 4:5).

One transaction: the request, its letter (with the upload link, fetched from the documents
service by the letters worker, and the term date), a reminder, the term's end, and
`correspondence.information.requested`, which puts the case *in onderzoek* with the term
running (the cases side of that is a later task).
"""

from __future__ import annotations

import uuid
from datetime import datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.correspondence import InformationRequested
from correspondence.letters import service as letters
from correspondence.requests import repository
from correspondence.requests.models import InformationRequest
from correspondence.schedules import service as schedules
from correspondence.sending.prepare import AMSTERDAM, local_day
from servicekit.outbox import add_event


async def request_information(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    municipality_code: str,
    items: list[str],
    term_days: int,
    message: str | None,
    actor: str,
    now: datetime,
    reminder_after_days: int,
    correlation_id: str,
) -> tuple[InformationRequest, list[uuid.UUID]]:
    term_ends_on = local_day(now) + timedelta(days=term_days)
    request = InformationRequest(
        id=uuid.uuid4(),
        case_id=case_id,
        municipality_code=municipality_code,
        items=[item.strip() for item in items if item.strip()],
        message=message,
        term_days=term_days,
        term_ends_on=term_ends_on,
        status="open",
        requested_by=actor,
        requested_at=now,
    )
    await repository.add(session, request)
    values = {
        "items": request.items,
        "message": message or "",
        "term_days": term_days,
        "term_ends_on": term_ends_on.isoformat(),
        "needs_upload_link": True,
        "upload_purpose": "information_request",
        "upload_link_key": f"information_request:{request.id}",
    }
    made = await letters.create(
        session,
        case_id=case_id,
        kind="information_request",
        cause=f"request:{request.id}",
        now=now,
        correlation_id=correlation_id,
        values=values,
    )
    # The term ends at the end of its last day (Dutch time).
    ends_at = datetime.combine(term_ends_on + timedelta(days=1), time(0), AMSTERDAM)
    remind_at = now + timedelta(days=reminder_after_days)
    if remind_at >= ends_at:
        remind_at = now + (ends_at - now) / 2
    await schedules.remind_later(
        session,
        case_id=case_id,
        municipality_code=municipality_code,
        cause=f"request:{request.id}",
        due_at=remind_at,
        now=now,
        values=values,
        request_id=request.id,
    )
    await schedules.expire_later(
        session,
        case_id=case_id,
        municipality_code=municipality_code,
        request_id=request.id,
        due_at=ends_at,
        now=now,
    )
    await add_event(
        session,
        InformationRequested(
            request_id=request.id,
            case_id=case_id,
            municipality_code=municipality_code,
            term_ends_on=term_ends_on,
            requested_by=actor,
            requested_at=now,
        ),
        correlation_id=correlation_id,
    )
    return request, made
