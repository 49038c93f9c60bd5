"""Handling a case: status transitions, the handling time, and what they share.

Who may call these is the route's business (`servicekit.auth.require` with the permission
table); which transition a role may make is the workflow's. Every status change goes through
`change_status`: it keeps the hold bookkeeping and the
handling clock, and yields the history row and the `cases.case.status_changed` event, which
`record` writes in the caller's transaction (the outbox). Functions never commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from cases.casefile.repository import Scope
from cases.handling import repository, workflow
from cases.handling.workflow import Transition
from cases.models import Case, CaseHistory
from cases.statuses import CLOCK_STOPPED, INITIAL_STATUS, CaseKind, CaseStatus
from contracts.base import Event
from contracts.cases import CaseStatusChanged
from contracts.vocabulary import Decision, Role
from servicekit.auth import Principal
from servicekit.outbox import add_events

SYSTEM_ACTOR: Final = "system"
DECISION_OF: Final = {
    CaseStatus.DECIDED_GRANTED: Decision.GRANTED,
    CaseStatus.DECIDED_REJECTED: Decision.REJECTED,
    CaseStatus.NOT_PROCESSED: Decision.NOT_PROCESSED,
}
"""The `decision` column of a case that reached a decision status."""
HANDLED_BY_SYSTEM: Final = frozenset({CaseStatus.ADVICE_READY, *CLOCK_STOPPED})
"""The system's steps that handle arrived data (an advice, a decision); lifting a hold is not."""

StatusChange = tuple[CaseHistory, CaseStatusChanged]


class CaseNotFoundError(Exception):
    """No such case, or not in the caller's municipalities (the same answer, on purpose)."""


class InvalidRequestError(Exception):
    """The request cannot be carried out as asked (HTTP 422); the message is for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def utc_now() -> datetime:
    return datetime.now(UTC)


def scope_of(principal: Principal) -> Scope:
    """The municipalities the principal may see; None for platform users (all of them)."""
    return None if principal.all_municipalities else principal.municipalities


async def load(
    session: AsyncSession, *, principal: Principal, case_id: uuid.UUID, lock: bool = False
) -> Case:
    """The case, if the principal may see it (locked until the transaction ends when asked)."""
    case = await repository.case_in_scope(
        session, case_id=case_id, scope=scope_of(principal), lock=lock
    )
    if case is None or not principal.may_see(case.municipality_code):
        raise CaseNotFoundError(str(case_id))
    return case


def held_from(case: Case) -> CaseStatus | None:
    """The status a case on hold returns to (its kind's first step if that was ever lost)."""
    if case.status != CaseStatus.ON_HOLD:
        return None
    if case.held_from_status is None:
        return INITIAL_STATUS[CaseKind(case.kind)]
    return CaseStatus(case.held_from_status)


def check(case: Case, *, to: CaseStatus, role: Role | None) -> Transition:
    """The workflow's row allowing this case to move to `to` (role None: the system)."""
    return workflow.check(
        kind=CaseKind(case.kind),
        current=CaseStatus(case.status),
        target=to,
        held_from=held_from(case),
        role=role,
    )


def _seconds(start: datetime | None, end: datetime) -> int:
    return 0 if start is None else max(0, int((end - start).total_seconds()))


def change_status(
    case: Case,
    *,
    to: CaseStatus,
    transition: Transition,
    actor: str,
    reason: str | None,
    now: datetime,
    hold_until: date | None = None,
    details: dict[str, Any] | None = None,
) -> StatusChange:
    """Move the (locked) case to `to`; returns its history row and event, for `record`.

    Leaving a hold adds its duration to `seconds_on_hold`; entering one remembers where from;
    a decision, not processing or aborting stops the handling clock, restoring starts it again.
    """
    previous = CaseStatus(case.status)
    extra = dict(details or {})
    if previous is CaseStatus.ON_HOLD:
        held = _seconds(case.held_since, now)
        case.seconds_on_hold = (case.seconds_on_hold or 0) + held
        extra["seconds_on_hold"] = held
        case.hold_reason = case.hold_until = case.held_since = case.held_from_status = None
    if to is CaseStatus.ON_HOLD:
        case.held_from_status, case.held_since = previous.value, now
        case.hold_reason, case.hold_until = reason, hold_until
        if hold_until is not None:
            extra["until"] = hold_until.isoformat()
    if to in CLOCK_STOPPED:
        case.handling_ended_at = case.handling_ended_at or now
    elif previous is CaseStatus.ABORTED:
        case.handling_ended_at = None
    if to in DECISION_OF:
        case.decision = DECISION_OF[to].value
    if actor != SYSTEM_ACTOR or to in HANDLED_BY_SYSTEM:
        case.data_arrived_at = None  # what arrived is being handled: off the work list
    case.status, case.status_changed_at, case.updated_at = to.value, now, now
    history = CaseHistory(
        case_id=case.id,
        occurred_at=now,
        action=transition.name,
        actor=actor,
        from_status=previous.value,
        to_status=to.value,
        reason=reason,
        details=extra,
    )
    event = CaseStatusChanged(
        case_id=case.id,
        kind=case.kind,
        municipality_code=case.municipality_code,
        from_status=previous.value,
        to_status=to.value,
        transition=transition.name,
        changed_at=now,
        actor=actor,
        hold_until=hold_until if to is CaseStatus.ON_HOLD else None,
    )
    return history, event


async def record(
    session: AsyncSession,
    changes: Sequence[StatusChange],
    *,
    correlation_id: str,
    causation_id: uuid.UUID | None = None,
) -> None:
    """Write the cases' changes, their history rows and (through the outbox) their events."""
    await write(
        session,
        history=[history for history, _ in changes],
        events=[(event, correlation_id, causation_id) for _, event in changes],
    )


async def write(
    session: AsyncSession,
    *,
    history: Sequence[CaseHistory],
    events: Sequence[tuple[Event, str, uuid.UUID | None]],
) -> None:
    """Write the loaded cases' changes and these history rows in their order, and (through
    the outbox) these events, each `(event, correlation_id, causation_id)`."""
    await repository.add(session, history)
    await add_events(session, events)


async def transition(
    *,
    session: AsyncSession,
    principal: Principal,
    case_id: uuid.UUID,
    to: CaseStatus,
    reason: str,
    correlation_id: str,
    now: datetime | None = None,
) -> Case:
    """Move a case to another status if the workflow allows it for the principal's role."""
    case = await load(session, principal=principal, case_id=case_id, lock=True)
    allowed = check(case, to=to, role=principal.role)
    change = change_status(
        case,
        to=to,
        transition=allowed,
        actor=principal.subject,
        reason=reason,
        now=now or utc_now(),
    )
    await record(session, [change], correlation_id=correlation_id)
    return case


def handling_seconds(case: Case, *, now: datetime) -> int:
    """Seconds of handling: from submission to the decision (or now), without time on hold."""
    end = case.handling_ended_at or now
    on_hold = (case.seconds_on_hold or 0) + current_hold_seconds(case, now=now)
    return max(0, _seconds(case.submitted_at, end) - on_hold)


def current_hold_seconds(case: Case, *, now: datetime) -> int:
    """How long the current hold has lasted so far (0 when not on hold)."""
    return _seconds(case.held_since, now) if case.status == CaseStatus.ON_HOLD else 0


def allowed_transitions(case: Case, *, role: Role) -> list[CaseStatus]:
    """The statuses this role may move the case to now (for the UI's buttons)."""
    return workflow.allowed_targets(
        kind=CaseKind(case.kind),
        current=CaseStatus(case.status),
        held_from=held_from(case),
        role=role,
    )


async def handling(*, session: AsyncSession, principal: Principal, case_id: uuid.UUID) -> Case:
    """The case, for its handling state."""
    return await load(session, principal=principal, case_id=case_id)


async def history(
    *, session: AsyncSession, principal: Principal, case_id: uuid.UUID
) -> Sequence[CaseHistory]:
    """What happened to the case, oldest first."""
    case = await load(session, principal=principal, case_id=case_id)
    return await repository.history_of(session, case_id=case.id)
