"""On hold (in afwachting): put a case on hold, lift it by hand, when data, a document or the
information asked for arrive (`following.py`), or when its end date has passed (a periodic
task, safe to run in several replicas at once).

The hold's end date is a calendar date in the Netherlands: a hold "until 5 December" lasts
that whole day and is lifted from 6 December on.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from cases.handling import repository
from cases.handling import service as handling
from cases.handling.service import SYSTEM_ACTOR, InvalidRequestError, utc_now
from cases.handling.workflow import TransitionConflictError
from cases.models import Case, CaseHistory
from cases.statuses import KIND_LABEL, CaseKind, CaseStatus
from servicekit.auth import Principal
from servicekit.db import Database
from servicekit.logs import correlation, new_correlation_id

log = structlog.get_logger(__name__)

LOCAL_TIME: Final = ZoneInfo("Europe/Amsterdam")
LIFTED_BY_HAND: Final = "Afwachting opgeheven"
LIFTED_DATA_ARRIVED: Final = "Gevraagde gegevens ontvangen"
LIFTED_END_DATE: Final = "Einddatum van de afwachting verstreken"
LIFTED_DOCUMENT_RECEIVED: Final = "Document ontvangen"
LIFTED_INFORMATION_RECEIVED: Final = "Gevraagde informatie ontvangen"


def local_date(moment: datetime) -> date:
    """The calendar date in the Netherlands at this moment."""
    return moment.astimezone(LOCAL_TIME).date()


async def put_on_hold(
    *,
    session: AsyncSession,
    principal: Principal,
    case_id: uuid.UUID,
    reason: str,
    until: date | None,
    correlation_id: str,
    now: datetime | None = None,
) -> Case:
    """Put the case on hold, or change the reason and end date of the hold it is in."""
    now = now or utc_now()
    case = await handling.load(session, principal=principal, case_id=case_id, lock=True)
    if until is not None and until < local_date(now):
        raise InvalidRequestError("De einddatum van de afwachting ligt in het verleden.")
    if case.status == CaseStatus.ON_HOLD:
        # Changing a running hold: it still counts from when it began.
        details = {
            "until": until.isoformat() if until else None,
            "previous_reason": case.hold_reason,
        }
        case.hold_reason, case.hold_until, case.updated_at = reason, until, now
        await repository.add(
            session,
            [
                CaseHistory(
                    case_id=case.id,
                    occurred_at=now,
                    action="hold_changed",
                    actor=principal.subject,
                    from_status=None,
                    to_status=None,
                    reason=reason,
                    details=details,
                )
            ],
        )
        return case
    allowed = handling.check(case, to=CaseStatus.ON_HOLD, role=principal.role)
    change = handling.change_status(
        case,
        to=CaseStatus.ON_HOLD,
        transition=allowed,
        actor=principal.subject,
        reason=reason,
        now=now,
        hold_until=until,
    )
    await handling.record(session, [change], correlation_id=correlation_id)
    return case


async def lift_hold(
    *,
    session: AsyncSession,
    principal: Principal,
    case_id: uuid.UUID,
    reason: str | None,
    correlation_id: str,
    now: datetime | None = None,
) -> Case:
    """Lift the case's hold by hand: back to the status it was put on hold from."""
    case = await handling.load(session, principal=principal, case_id=case_id, lock=True)
    back = handling.held_from(case)
    if back is None:
        kind = KIND_LABEL[CaseKind(case.kind)].lower()
        raise TransitionConflictError(f"Deze {kind} staat niet in afwachting.")
    allowed = handling.check(case, to=back, role=principal.role)
    change = handling.change_status(
        case,
        to=back,
        transition=allowed,
        actor=principal.subject,
        reason=reason or LIFTED_BY_HAND,
        now=now or utc_now(),
        details={"automatic": False},
    )
    await handling.record(session, [change], correlation_id=correlation_id)
    return case


async def lift_hold_because_data_arrived(
    *,
    session: AsyncSession,
    case_id: uuid.UUID,
    correlation_id: str,
    causation_id: uuid.UUID | None = None,
    now: datetime | None = None,
) -> bool:
    """Lift the case's hold because the data it waited for arrived (e.g. an Ockto delivery);
    False when the case is missing or not on hold. For the system, so no scope applies."""
    case = await repository.case_in_scope(session, case_id=case_id, scope=None, lock=True)
    change = None
    if case is not None:
        change = lifted_on_arrival(
            case, reason=LIFTED_DATA_ARRIVED, cause="data_arrived", now=now or utc_now()
        )
    if change is None:
        return False
    await handling.record(
        session, [change], correlation_id=correlation_id, causation_id=causation_id
    )
    return True


def lifted_on_arrival(
    case: Case, *, reason: str, cause: str, now: datetime
) -> handling.StatusChange | None:
    """Lift the (locked) case's hold because what it waited for arrived: the change for
    `handling.record`, or None when the case is not on hold.

    A hold does not record what it waits for, and a case waits for the resident's data or
    documents, so any hold counts as waiting for them; the end date does not matter.
    """
    back = handling.held_from(case)
    if back is None:
        return None
    return handling.change_status(
        case,
        to=back,
        transition=handling.check(case, to=back, role=None),
        actor=SYSTEM_ACTOR,
        reason=reason,
        now=now,
        details={"automatic": True, "cause": cause},
    )


async def lift_due_holds(
    *,
    session: AsyncSession,
    correlation_id: str,
    limit: int = 500,
    now: datetime | None = None,
) -> int:
    """Lift up to `limit` holds whose last day has passed; returns how many were lifted."""
    now = now or utc_now()
    due = await repository.lock_due_holds(session, before=local_date(now), limit=limit)
    changes = []
    for case in due:
        back = handling.held_from(case)
        if back is None:  # not on hold: the query said it was, so this cannot happen
            continue
        details = {
            "automatic": True,
            "cause": "end_date_passed",
            "until": case.hold_until.isoformat() if case.hold_until else None,
        }
        changes.append(
            handling.change_status(
                case,
                to=back,
                transition=handling.check(case, to=back, role=None),
                actor=SYSTEM_ACTOR,
                reason=LIFTED_END_DATE,
                now=now,
                details=details,
            )
        )
    await handling.record(session, changes, correlation_id=correlation_id)
    return len(changes)


class HoldLifter:
    """Every `every_seconds`, lifts due holds in rounds of one transaction each."""

    def __init__(self, *, database: Database, every_seconds: float, batch_size: int) -> None:
        self._database = database
        self._every_seconds = every_seconds
        self._batch_size = batch_size

    async def run_once(self) -> int:
        """One round: one transaction lifting up to a batch of due holds."""
        correlation_id = new_correlation_id()
        with correlation(correlation_id):
            async with self._database.transaction() as session:
                lifted = await lift_due_holds(
                    session=session, correlation_id=correlation_id, limit=self._batch_size
                )
            if lifted:
                log.info("cases.holds.lifted", count=lifted)
        return lifted

    async def run(self) -> None:
        """Lift until cancelled; a full batch is followed at once by the next round."""
        while True:
            try:
                lifted = await self.run_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("cases.holds.lift_failed", retry_in_seconds=self._every_seconds)
                lifted = 0
            if lifted < self._batch_size:
                await asyncio.sleep(self._every_seconds)


@contextlib.asynccontextmanager
async def lifting_due_holds(
    database: Database, *, every_seconds: float, batch_size: int
) -> AsyncIterator[HoldLifter]:
    """Run a `HoldLifter` in the background for as long as the block lasts."""
    lifter = HoldLifter(database=database, every_seconds=every_seconds, batch_size=batch_size)
    task = asyncio.create_task(lifter.run(), name="hold-lifter")
    try:
        yield lifter
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
