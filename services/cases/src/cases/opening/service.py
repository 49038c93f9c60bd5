"""Opening application cases and applying their corrections, a batch at a time; functions take
a session and never commit."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from cases.opening import repository
from cases.opening.repository import CaseState, HouseholdCounts
from cases.statuses import INITIAL_STATUS, CaseKind
from contracts.api.cases import Declared
from contracts.base import Event
from contracts.cases import CaseHouseholdCorrected, CaseOpened
from contracts.household import Household
from contracts.intake import ApplicationCorrected, ApplicationReceived
from servicekit.outbox import add_events
from servicekit.routes import Delivery

log = structlog.get_logger(__name__)

ApplicationRevision = ApplicationReceived | ApplicationCorrected

SYSTEM_ACTOR = "system"
"""The actor of what the system does on its own, e.g. open a case for an incoming application."""


def supersedes(*, incoming: int, applied: int) -> bool:
    """Whether an incoming revision replaces the household of the applied one (newest wins)."""
    return incoming > applied


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def record_application_revisions(
    *, session: AsyncSession, deliveries: Sequence[Delivery[ApplicationRevision]]
) -> None:
    """Open each application's case, or apply a newer household; older revisions are only kept.

    Revisions may arrive out of order (a correction before its original), twice, or several
    of one application in one batch; each is decided in arrival order against the case as the
    revisions before it left it, so the newest household always wins and every one is kept.
    A batch costs a fixed number of statements, however many events it holds.
    """
    kind = CaseKind.APPLICATION
    numbers = list(dict.fromkeys(d.event.application_number for d in deliveries))
    existing = await repository.lock_cases(session, kind=kind.value, application_numbers=numbers)
    openers = {
        number: _case_values(kind, case_id=uuid.uuid4(), event=delivery.event)
        for number, delivery in _firsts(deliveries).items()
        if number not in existing
    }
    opened = await repository.insert_cases_if_absent(session, values=list(openers.values()))
    raced = [number for number in openers if number not in opened]
    if raced:
        # Other transactions opened these between our look-up and our insert: they are there now.
        existing |= await repository.lock_cases(session, kind=kind.value, application_numbers=raced)
        if any(number not in existing for number in raced):
            raise RuntimeError("a case was neither opened nor found")
    kept = await repository.kept_revisions(
        session, case_ids=[case.id for case in existing.values()]
    )
    changes = plan_revisions(
        deliveries,
        existing={number: (case, kept[case.id]) for number, case in existing.items()},
        opened={number: openers[number]["id"] for number in opened},
    )
    await repository.replace_households(
        session, households=changes.households, existing=changes.replaced
    )
    await repository.add_revisions(session, rows=changes.revisions)
    await repository.add_history(session, rows=changes.history)
    await repository.update_household_counts(session, counts=changes.counts)
    await add_events(session, changes.follow_ups)
    log.info(
        "cases.applications.recorded",
        events=len(deliveries),
        opened=len(opened),
        corrected=changes.corrected,
        late_revisions=changes.late,
        repeated_revisions=changes.repeated,
    )


@dataclass
class _Tracked:
    """A case as the batch has left it so far."""

    id: uuid.UUID
    municipality_code: str
    revision: int
    revisions: set[int]
    existed: bool
    """Whether the case was there before the batch (so has persons to remove)."""
    household: Household | None = None
    """The household applied in this batch, if any."""
    applied: bool = False
    """Whether a newer revision replaced the household in this batch."""


@dataclass
class Changes:
    """What a batch of revisions changes, for the repository to write set-based."""

    households: dict[uuid.UUID, Household] = field(default_factory=dict)
    replaced: list[uuid.UUID] = field(default_factory=list)
    revisions: list[dict[str, Any]] = field(default_factory=list)
    history: list[dict[str, Any]] = field(default_factory=list)
    counts: list[HouseholdCounts] = field(default_factory=list)
    follow_ups: list[tuple[Event, str, uuid.UUID]] = field(default_factory=list)
    corrected: int = 0
    late: int = 0
    repeated: int = 0


def plan_revisions(
    deliveries: Sequence[Delivery[ApplicationRevision]],
    *,
    existing: Mapping[str, tuple[CaseState, set[int]]],
    opened: Mapping[str, uuid.UUID],
) -> Changes:
    """Decide each revision in arrival order against the case as it stands by then.

    `existing` holds the locked cases before the batch with their kept revision numbers;
    `opened` the cases just inserted with the values of their number's first revision here.
    """
    changes = Changes()
    cases = {
        number: _Tracked(case.id, case.municipality_code, case.revision, set(kept), existed=True)
        for number, (case, kept) in existing.items()
    }
    for delivery in deliveries:
        event = delivery.event
        case = cases.get(event.application_number)
        if case is None:
            cases[event.application_number] = _open(
                changes, delivery=delivery, case_id=opened[event.application_number]
            )
            continue
        kept = event.revision not in case.revisions
        if kept:
            case.revisions.add(event.revision)
            changes.revisions.append(_revision_row(case.id, event))
        if supersedes(incoming=event.revision, applied=case.revision):
            _apply(changes, case=case, delivery=delivery)
        elif kept:
            changes.late += 1
            changes.history.append(
                _history_row(
                    case.id,
                    "revision_recorded",
                    {
                        "revision": event.revision,
                        "applied_revision": case.revision,
                        "source_event_id": str(event.source_event_id),
                    },
                )
            )
        else:
            changes.repeated += 1
    for case in cases.values():
        if case.household is None:
            continue
        changes.households[case.id] = case.household
        if case.existed:
            changes.replaced.append(case.id)
        if case.applied:
            changes.counts.append(
                HouseholdCounts(
                    case.id, case.revision, case.household.adults, case.household.persons
                )
            )
    return changes


def _open(
    changes: Changes, *, delivery: Delivery[ApplicationRevision], case_id: uuid.UUID
) -> _Tracked:
    """Record what opening a case with this revision's household adds to its row."""
    event = delivery.event
    kind = CaseKind.APPLICATION
    status = INITIAL_STATUS[kind]
    household = event.household
    changes.revisions.append(_revision_row(case_id, event))
    changes.history.append(
        _history_row(
            case_id,
            "opened",
            {"revision": event.revision, "source_event_id": str(event.source_event_id)},
            to_status=status.value,
        )
    )
    changes.follow_ups.append(
        delivery.follow_up(
            CaseOpened(
                case_id=case_id,
                kind=kind.value,
                application_number=event.application_number,
                municipality_code=event.municipality_code,
                status=status.value,
                adults=household.adults,
                persons=household.persons,
                submitted_at=event.submitted_at,
                household=household,
                requested_start_date=event.requested_start_date,
            )
        )
    )
    return _Tracked(
        case_id,
        event.municipality_code,
        event.revision,
        {event.revision},
        existed=False,
        household=household,
    )


def _apply(changes: Changes, *, case: _Tracked, delivery: Delivery[ApplicationRevision]) -> None:
    """Replace the case's household by this newer revision's."""
    event = delivery.event
    household = event.household
    changes.corrected += 1
    changes.history.append(
        _history_row(
            case.id,
            "household_corrected",
            {
                "revision": event.revision,
                "previous_revision": case.revision,
                "source_event_id": str(event.source_event_id),
            },
        )
    )
    changes.follow_ups.append(
        delivery.follow_up(
            CaseHouseholdCorrected(
                case_id=case.id,
                municipality_code=case.municipality_code,
                revision=event.revision,
                adults=household.adults,
                persons=household.persons,
                household=household,
            )
        )
    )
    case.revision, case.household, case.applied = event.revision, household, True


def _firsts(
    deliveries: Sequence[Delivery[ApplicationRevision]],
) -> dict[str, Delivery[ApplicationRevision]]:
    """The first delivery of each application number, in arrival order."""
    firsts: dict[str, Delivery[ApplicationRevision]] = {}
    for delivery in deliveries:
        firsts.setdefault(delivery.event.application_number, delivery)
    return firsts


def _case_values(
    kind: CaseKind, *, case_id: uuid.UUID, event: ApplicationRevision
) -> dict[str, Any]:
    """The row of a case opened with this revision's household."""
    return {
        "id": case_id,
        "kind": kind.value,
        "application_number": event.application_number,
        "application_id": event.application_id,
        "municipality_code": event.municipality_code,
        "status": INITIAL_STATUS[kind].value,
        "submitted_at": event.submitted_at,
        "adults": event.household.adults,
        "persons": event.household.persons,
        "revision": event.revision,
        "corrected": event.revision > 1,
    }


def _revision_row(case_id: uuid.UUID, event: ApplicationRevision) -> dict[str, Any]:
    """The revision's household as received, to keep."""
    moment = event.corrected_at if isinstance(event, ApplicationCorrected) else event.submitted_at
    return {
        "case_id": case_id,
        "revision": event.revision,
        "source_event_id": event.source_event_id,
        "household": event.household.model_dump_json(),
        "received_at": _aware(moment),
        "declared": Declared(
            requested_start_date=event.requested_start_date,
            insurer=event.insurer,
            package=event.package,
            income_applicant=event.declared_income_applicant,
            income_partner=event.declared_income_partner,
            consent_data_retrieval=event.consent_data_retrieval,
        ).model_dump_json(),
    }


def _history_row(
    case_id: uuid.UUID, action: str, details: dict[str, Any], *, to_status: str | None = None
) -> dict[str, Any]:
    """What the system did to a case on its own."""
    return {
        "case_id": case_id,
        "action": action,
        "actor": SYSTEM_ACTOR,
        "from_status": None,
        "to_status": to_status,
        "reason": None,
        "details": details,
    }
