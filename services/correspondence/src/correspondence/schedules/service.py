"""Reminders and terms: durable rows, fired once by whichever replica locks them first.

No in-memory timers: a schedule is a row with a due time, compared with `runtime.clock` (which
tests move); `FOR UPDATE SKIP LOCKED` lets any number of replicas poll without firing twice.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.correspondence import InformationReceived, TermExpired
from correspondence.letters import repository as letter_rows
from correspondence.letters import service as letters
from correspondence.letters.service import CaseNotKnownYetError, queue
from correspondence.requests import repository as requests
from correspondence.schedules import repository
from correspondence.schedules.models import Schedule
from servicekit.outbox import add_event


async def remind_later(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    municipality_code: str,
    cause: str,
    due_at: datetime,
    now: datetime,
    values: dict[str, Any],
    request_id: uuid.UUID | None = None,
) -> None:
    """One reminder for this cause; a repeat of the cause schedules nothing new."""
    await repository.add(
        session,
        {
            "id": uuid.uuid4(),
            "case_id": case_id,
            "municipality_code": municipality_code,
            "kind": "reminder",
            "cause": cause,
            "request_id": request_id,
            "values": values,
            "due_at": due_at,
            "status": "pending",
            "created_at": now,
        },
    )


async def expire_later(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    municipality_code: str,
    request_id: uuid.UUID,
    due_at: datetime,
    now: datetime,
) -> None:
    await repository.add(
        session,
        {
            "id": uuid.uuid4(),
            "case_id": case_id,
            "municipality_code": municipality_code,
            "kind": "term_expiry",
            "cause": f"request:{request_id}",
            "request_id": request_id,
            "values": {},
            "due_at": due_at,
            "status": "pending",
            "created_at": now,
        },
    )


async def information_arrived(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    now: datetime,
    what: str,
    correlation_id: str,
    causation_id: uuid.UUID | None,
) -> None:
    """Data or documents arrived: pending reminders stop, open requests are answered."""
    await repository.cancel(
        session, case_id=case_id, now=now, reason=f"{what} ontvangen", kind="reminder"
    )
    for request in await requests.open_of_case(session, case_id):
        request.status, request.closed_at = "received", now
        await repository.cancel(
            session, case_id=case_id, now=now, reason=f"{what} ontvangen", request_id=request.id
        )
        await add_event(
            session,
            InformationReceived(
                request_id=request.id,
                case_id=case_id,
                municipality_code=request.municipality_code,
                received_at=now,
            ),
            correlation_id=correlation_id,
            causation_id=causation_id,
        )


_NOT_GONE = {"held", "queued", "rendered", "retry", "draft"}


async def _fire(
    session: AsyncSession, schedule: Schedule, *, now: datetime, reminder_after: timedelta
) -> str | None:
    """Fire one schedule; None when it is postponed instead."""
    if schedule.kind == "reminder":
        reminds_of = (schedule.values or {}).get("reminds_of")
        if reminds_of:
            statuses = await letter_rows.statuses_for_cause(
                session, case_id=schedule.case_id, cause=reminds_of
            )
            if statuses & _NOT_GONE:
                # The invitation has not gone yet (a campaign not started): count from then.
                schedule.due_at = now + reminder_after
                return None
        made = await letters.create(
            session,
            case_id=schedule.case_id,
            kind="reminder",
            cause=f"schedule:{schedule.id}",
            now=now,
            correlation_id=f"schedule:{schedule.id}",
            values=schedule.values,
        )
        return f"herinnering gemaakt ({len(made)})"
    request = await requests.get(session, schedule.request_id) if schedule.request_id else None
    if request is None or request.status != "open":
        return "verzoek al afgehandeld"
    request.status, request.closed_at = "expired", now
    await repository.cancel(
        session,
        case_id=schedule.case_id,
        now=now,
        reason="termijn verstreken",
        kind="reminder",
        request_id=request.id,
    )
    await add_event(
        session,
        TermExpired(
            request_id=request.id,
            case_id=request.case_id,
            municipality_code=request.municipality_code,
            term_ended_on=request.term_ends_on,
            expired_at=now,
        ),
        correlation_id=f"schedule:{schedule.id}",
    )
    return "termijn verstreken"


async def fire_due(
    session: AsyncSession, *, now: datetime, reminder_after: timedelta, limit: int = 200
) -> int:
    """Fire what is due (locked rows: another replica skips them); returns how many."""
    fired = 0
    for schedule in await repository.due(session, now=now, limit=limit):
        try:
            outcome = await _fire(session, schedule, now=now, reminder_after=reminder_after)
        except CaseNotKnownYetError:
            schedule.due_at = now + timedelta(minutes=5)
            continue
        if outcome is None:
            continue
        schedule.status, schedule.done_at, schedule.outcome = "fired", now, outcome
        fired += 1
    return fired


async def requeue_due_retries(session: AsyncSession, *, now: datetime, limit: int = 500) -> int:
    due = await letter_rows.due_retries(session, now=now, limit=limit)
    await queue(session, due, correlation_id="retry")
    return len(due)
