"""The business rules of the cases service; functions take a session and never commit."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from cases import repository
from cases.models import Case
from cases.repository import CaseState, Scope, StatusCount
from cases.statuses import CATEGORIES, INITIAL_STATUS, CaseKind, Category, category_of
from contracts.base import Event
from contracts.cases import CaseHouseholdCorrected, CaseOpened
from contracts.intake import ApplicationCorrected, ApplicationReceived

log = structlog.get_logger(__name__)

Publish = Callable[[Event], Awaitable[None]]

SYSTEM_ACTOR = "system"
"""The actor of what the system does on its own, e.g. open a case for an incoming application."""


def supersedes(*, incoming: int, applied: int) -> bool:
    """Whether an incoming revision replaces the household of the applied one (newest wins)."""
    return incoming > applied


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


async def record_application_revision(
    *,
    session: AsyncSession,
    event: ApplicationReceived | ApplicationCorrected,
    publish: Publish,
) -> None:
    """Open the application's case, or apply a newer household; older revisions are only kept.

    Revisions may arrive out of order (a correction before its original) or twice; the
    revision number decides, so the newest household always wins and every one is kept.
    """
    kind = CaseKind.APPLICATION
    case = await repository.lock_case(
        session, kind=kind, application_number=event.application_number
    )
    if case is None:
        if await _open(session, kind=kind, event=event, publish=publish):
            return
        # Another transaction opened it between our look-up and our insert: it is there now.
        case = await repository.lock_case(
            session, kind=kind, application_number=event.application_number
        )
        if case is None:
            raise RuntimeError("the case was neither opened nor found")
    kept = await _keep_revision(session, case_id=case.id, event=event)
    if supersedes(incoming=event.revision, applied=case.revision):
        await _apply(session, case=case, event=event, publish=publish)
    elif kept:
        await repository.add_history(
            session,
            case_id=case.id,
            action="revision_recorded",
            actor=SYSTEM_ACTOR,
            details={
                "revision": event.revision,
                "applied_revision": case.revision,
                "source_event_id": str(event.source_event_id),
            },
        )
        log.info("cases.case.late_revision_kept", case_id=str(case.id), revision=event.revision)


async def _open(
    session: AsyncSession,
    *,
    kind: CaseKind,
    event: ApplicationReceived | ApplicationCorrected,
    publish: Publish,
) -> bool:
    """Open a case with this revision's household; False when one exists after all."""
    case_id = uuid.uuid4()
    status = INITIAL_STATUS[kind]
    household = event.household
    opened = await repository.insert_case_if_absent(
        session,
        values={
            "id": case_id,
            "kind": kind.value,
            "application_number": event.application_number,
            "application_id": event.application_id,
            "municipality_code": event.municipality_code,
            "status": status.value,
            "submitted_at": event.submitted_at,
            "adults": household.adults,
            "persons": household.persons,
            "revision": event.revision,
            "corrected": event.revision > 1,
        },
    )
    if not opened:
        return False
    await repository.replace_household(
        session, case_id=case_id, household=household, existing=False
    )
    await _keep_revision(session, case_id=case_id, event=event)
    await repository.add_history(
        session,
        case_id=case_id,
        action="opened",
        actor=SYSTEM_ACTOR,
        to_status=status.value,
        details={"revision": event.revision, "source_event_id": str(event.source_event_id)},
    )
    await publish(
        CaseOpened(
            case_id=case_id,
            kind=kind.value,
            application_number=event.application_number,
            municipality_code=event.municipality_code,
            status=status.value,
            adults=household.adults,
            persons=household.persons,
            submitted_at=event.submitted_at,
        )
    )
    log.info("cases.case.opened", case_id=str(case_id), revision=event.revision)
    return True


async def _apply(
    session: AsyncSession,
    *,
    case: CaseState,
    event: ApplicationReceived | ApplicationCorrected,
    publish: Publish,
) -> None:
    """Replace the case's household by this newer revision's."""
    household = event.household
    await repository.replace_household(session, case_id=case.id, household=household, existing=True)
    await repository.update_household_counts(
        session,
        case_id=case.id,
        revision=event.revision,
        adults=household.adults,
        persons=household.persons,
    )
    await repository.add_history(
        session,
        case_id=case.id,
        action="household_corrected",
        actor=SYSTEM_ACTOR,
        details={
            "revision": event.revision,
            "previous_revision": case.revision,
            "source_event_id": str(event.source_event_id),
        },
    )
    await publish(
        CaseHouseholdCorrected(
            case_id=case.id,
            municipality_code=case.municipality_code,
            revision=event.revision,
            adults=household.adults,
            persons=household.persons,
        )
    )
    log.info("cases.case.household_corrected", case_id=str(case.id), revision=event.revision)


async def _keep_revision(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    event: ApplicationReceived | ApplicationCorrected,
) -> bool:
    """Keep the revision's household as received; False when it was kept before."""
    moment = event.corrected_at if isinstance(event, ApplicationCorrected) else event.submitted_at
    return await repository.add_revision(
        session,
        case_id=case_id,
        revision=event.revision,
        source_event_id=event.source_event_id,
        household=event.household.model_dump(mode="json"),
        received_at=_aware(moment),
    )


async def list_cases(
    *,
    session: AsyncSession,
    scope: Scope,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None,
) -> tuple[Sequence[Case], bool]:
    """One page of cases in scope, newest first, and whether more follow."""
    rows = await repository.list_cases(session, scope=scope, limit=limit + 1, after=after)
    return rows[:limit], len(rows) > limit


async def get_case(*, session: AsyncSession, case_id: uuid.UUID, scope: Scope) -> Case | None:
    """The case with everything the detail page shows, or None when missing or out of scope."""
    return await repository.get_case(session, case_id=case_id, scope=scope)


@dataclass(frozen=True)
class Totals:
    applications: int = 0
    adults: int = 0
    persons: int = 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.applications + other.applications,
            self.adults + other.adults,
            self.persons + other.persons,
        )


def totals_per_category(counts: Sequence[StatusCount]) -> dict[Category, Totals]:
    """Fold per-status counts into every overview category, in overview order, zeros included."""
    totals = dict.fromkeys(CATEGORIES, Totals())
    for count in counts:
        category = category_of(count.status)
        totals[category] += Totals(count.applications, count.adults, count.persons)
    return totals


async def overview(
    *, session: AsyncSession, municipalities: tuple[str, ...]
) -> dict[Category, Totals]:
    """Applications, adults and persons per overview category for these municipalities."""
    counts = await repository.count_by_status(session, municipalities=municipalities)
    return totals_per_category(counts)
