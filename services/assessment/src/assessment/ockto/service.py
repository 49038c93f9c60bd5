"""Data sessions: requested when a case opens (started by the session worker) or started by
hand at once; expired by the sweeper; cancelled when the case closes or a new one replaces it.

Takes a session, never commits.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, timedelta
from typing import Final, get_args

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.casefile import repository as cases
from assessment.casefile import service as casefile
from assessment.casefile.models import KnownCase
from assessment.ockto import repository
from assessment.ockto.client import (
    OcktoClient,
    OcktoUnavailableError,
    PersonHint,
    SessionRequest,
    StartedSession,
)
from assessment.ockto.models import DataSession
from assessment.parameters import service as parameters
from assessment.parameters.values import ParameterSet
from assessment.settings import AssessmentSettings
from contracts.assessment import DataSessionExpired, DataSessionStarted
from contracts.ockto import Source
from servicekit.db import Database
from servicekit.outbox import add_event
from servicekit.tenants import Tenant, get_tenant

log = structlog.get_logger(__name__)
SESSIONS_REQUESTED = "assessment.sessions_requested"
"""Set on a session that requested Ockto sessions: its commit wakes the session starter."""
START_CONCURRENCY = 16
"""Calls to Ockto in flight at once (more only queue up in the HTTP client)."""
SOURCES: Final = get_args(Source)
"""Every source Ockto can read; a session asks for all of them."""


def new_session(
    case: KnownCase, *, trigger: str, started_by: str, at: datetime, correlation_id: str
) -> DataSession:
    return DataSession(
        id=uuid.uuid4(),
        case_id=case.case_id,
        municipality_code=case.municipality_code,
        state="requested",
        trigger=trigger,
        started_by=started_by,
        requested_at=at,
        attempts=0,
        correlation_id=correlation_id,
    )


async def request_session(
    session: AsyncSession,
    case: KnownCase,
    *,
    trigger: str,
    started_by: str,
    at: datetime,
    correlation_id: str,
) -> DataSession:
    """A session to be started at Ockto by the session worker (automatic start)."""
    row = new_session(
        case, trigger=trigger, started_by=started_by, at=at, correlation_id=correlation_id
    )
    await repository.add(session, row)
    session.info[SESSIONS_REQUESTED] = True
    return row


async def session_request(
    session: AsyncSession,
    case: KnownCase,
    row: DataSession,
    *,
    settings: AssessmentSettings,
    at: datetime,
    known: dict[tuple[str, date], tuple[ParameterSet, Tenant | None]] | None = None,
) -> SessionRequest:
    """What Ockto is asked: the purpose in the resident's words, the term, the persons.
    `known` keeps the parameters and the tenant per municipality and date over a batch."""
    key = (case.municipality_code, case.submitted_on)
    found = known.get(key) if known is not None else None
    if found is None:
        found = (
            await parameters.applicable(session, case.municipality_code, case.submitted_on, at=at),
            await get_tenant(session, case.municipality_code),
        )
        if known is not None:
            known[key] = found
    version, tenant = found
    place = tenant.name if tenant else case.municipality_code
    purpose = (
        f"Heronderzoek bijdrage Gemeentepolis gemeente {place}"
        if case.kind == "re_examination"
        else f"Beoordeling bijdrage Gemeentepolis gemeente {place}"
    )
    household = casefile.household_of(case)
    persons: list[PersonHint] = []
    if household is not None:
        persons.append(
            PersonHint("applicant", household.applicant.bsn, household.applicant.date_of_birth)
        )
        if household.partner is not None:
            persons.append(
                PersonHint("partner", household.partner.bsn, household.partner.date_of_birth)
            )
    return SessionRequest(
        reference=str(row.id),
        purpose=purpose[:200],
        sources=SOURCES,
        expires_at=at + timedelta(days=version.session_term_days),
        callback_url=settings.ockto_callback_url,
        persons=tuple(persons),
        reference_date=case.submitted_on,
    )


async def mark_started(
    session: AsyncSession, row: DataSession, started: StartedSession, *, at: datetime
) -> None:
    row.state = "invited"
    row.ockto_session_id = started.session_id
    row.url = started.url
    row.expires_at = started.expires_at
    row.started_at = at
    row.last_error = None
    await session.flush()
    await add_event(
        session,
        DataSessionStarted(
            session_id=started.session_id,
            case_id=row.case_id,
            municipality_code=row.municipality_code,
            url=started.url,
            expires_at=started.expires_at,
            trigger="manual" if row.trigger == "manual" else "automatic",
            started_by=row.started_by,
            started_at=at,
        ),
        correlation_id=row.correlation_id,
    )


async def cancel_open(session: AsyncSession, case_id: uuid.UUID, *, at: datetime) -> int:
    """End the case's open sessions (a new one replaces them, or the case closed)."""
    rows = await repository.open_sessions(session, case_id)
    for row in rows:
        row.state = "cancelled"
        row.ended_at = at
    await session.flush()
    return len(rows)


async def start_now(
    session: AsyncSession,
    case: KnownCase,
    *,
    ockto: OcktoClient,
    settings: AssessmentSettings,
    started_by: str,
    at: datetime,
    correlation_id: str,
) -> DataSession:
    """Start a session at Ockto within the request (a staff member's "invite again")."""
    await cancel_open(session, case.case_id, at=at)
    row = new_session(
        case, trigger="manual", started_by=started_by, at=at, correlation_id=correlation_id
    )
    await repository.add(session, row)
    request = await session_request(session, case, row, settings=settings, at=at)
    started = await ockto.start_session(request)
    await mark_started(session, row, started, at=at)
    return row


async def start_requested(
    database: Database, *, ockto: OcktoClient, settings: AssessmentSettings, now: datetime
) -> int:
    """One round of the session worker: start a batch of requested sessions at Ockto, the
    calls in flight together; returns how many were started."""
    lease = now + timedelta(seconds=max(60.0, settings.ockto_timeout_seconds * 3))
    async with database.transaction() as session:
        claimed = await repository.claim_requested(
            session, now=now, limit=settings.worker_batch_size, lease_until=lease
        )
        requests: list[tuple[uuid.UUID, SessionRequest]] = []
        # One query for the batch's cases, and the parameters and tenant once per
        # municipality and date: not three queries per session.
        batch = await cases.get_many(session, [row.case_id for row in claimed])
        known: dict[tuple[str, date], tuple[ParameterSet, Tenant | None]] = {}
        for row in claimed:
            case = batch.get(row.case_id)
            if case is not None:
                request = await session_request(
                    session, case, row, settings=settings, at=now, known=known
                )
                requests.append((row.id, request))
    if not requests:
        return 0
    gate = asyncio.Semaphore(START_CONCURRENCY)

    async def start(request: SessionRequest) -> StartedSession:
        async with gate:
            return await ockto.start_session(request)

    outcomes = await asyncio.gather(*(start(r) for _, r in requests), return_exceptions=True)
    started = 0
    async with database.transaction() as session:
        locked = await repository.lock_session_rows(session, [row_id for row_id, _ in requests])
        for (row_id, _), outcome in zip(requests, outcomes, strict=True):
            found = locked.get(row_id)
            if found is None or found.state != "requested":
                continue
            if isinstance(outcome, StartedSession):
                await mark_started(session, found, outcome, at=now)
                started += 1
                continue
            found.attempts += 1
            found.last_error = (
                str(outcome)
                if isinstance(outcome, OcktoUnavailableError)
                else type(outcome).__name__
            )
            if found.attempts >= settings.worker_max_attempts:
                found.state, found.ended_at = "failed", now
                log.warning("assessment.session.start_failed", session=str(found.id))
            else:
                found.next_attempt_at = now + timedelta(seconds=min(2**found.attempts, 300))
    return started


async def expire_due(database: Database, *, now: datetime, limit: int) -> int:
    """One round of the sweeper: sessions past their term expire (and are announced)."""
    async with database.transaction() as session:
        rows = await repository.due_for_expiry(session, now=now, limit=limit)
        for row in rows:
            row.state = "expired"
            row.ended_at = now
            await add_event(
                session,
                DataSessionExpired(
                    session_id=row.ockto_session_id or str(row.id),
                    case_id=row.case_id,
                    municipality_code=row.municipality_code,
                    expired_at=now,
                ),
                correlation_id=row.correlation_id,
            )
    return len(rows)
