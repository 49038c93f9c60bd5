"""The case copy: kept up to date from the cases events, read by every other feature.

Takes a session, never commits.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.advice.facts import HouseholdFacts
from assessment.casefile import repository
from assessment.casefile.models import AccessLogEntry, KnownCase
from contracts.cases import CaseAssigned, CaseOpened, CaseStatusChanged
from contracts.household import Household
from servicekit.auth import Principal

CLOSED_STATUSES = frozenset({"closed", "aborted", "not_processed"})
DECIDED_STATUSES = frozenset({"decided_granted", "decided_rejected"})


def household_of(case: KnownCase) -> Household | None:
    return None if case.household is None else Household.model_validate(case.household)


def facts_of(case: KnownCase) -> HouseholdFacts | None:
    """What the rules need of the household (None while the case has no household)."""
    household = household_of(case)
    if household is None:
        return None
    return HouseholdFacts(
        applicant_born=household.applicant.date_of_birth,
        partner_born=household.partner.date_of_birth if household.partner else None,
        children=len(household.children),
        reference_date=case.submitted_on,
    )


async def record_opened(session: AsyncSession, event: CaseOpened, *, at: datetime) -> bool:
    """Remember the case; False when it was known already (a repeated event)."""
    known = await repository.get(session, event.case_id)
    if known is not None:
        return False
    household: dict[str, Any] | None = (
        event.household.model_dump(mode="json") if event.household else None
    )
    await repository.upsert(
        session,
        {
            "case_id": event.case_id,
            "municipality_code": event.municipality_code,
            "kind": event.kind,
            "application_number": event.application_number,
            "submitted_on": event.submitted_at.date(),
            "requested_start_date": event.requested_start_date,
            "household": household,
            "household_revision": 1,
            "status": event.status,
            "assignee": None,
            "applicant_bsn": event.household.applicant.bsn if event.household else None,
            "opened_at": at,
        },
    )
    return True


async def record_household(
    session: AsyncSession,
    *,
    case_id: uuid.UUID,
    household: Household | None,
    revision: int,
) -> bool:
    return await repository.set_household(
        session,
        case_id,
        household=household.model_dump(mode="json") if household else None,
        revision=revision,
        applicant_bsn=household.applicant.bsn if household else None,
    )


async def record_status(session: AsyncSession, event: CaseStatusChanged) -> None:
    await repository.set_status(session, event.case_id, event.to_status)
    if event.to_status == "advice_ready" and event.actor != "system":
        await repository.add_preparer(
            session,
            case_id=event.case_id,
            subject=event.actor,
            how="advice_ready",
            at=event.changed_at,
        )


async def record_assignment(session: AsyncSession, event: CaseAssigned) -> None:
    await repository.set_assignee(session, event.case_id, event.assignee)
    if event.assignee is not None:
        await repository.add_preparer(
            session,
            case_id=event.case_id,
            subject=event.assignee,
            how="assigned",
            at=event.assigned_at,
        )


async def prepared_by(
    session: AsyncSession, *, case_id: uuid.UUID, subject: str, how: str, at: datetime
) -> None:
    await repository.add_preparer(session, case_id=case_id, subject=subject, how=how, at=at)


async def log_access(
    session: AsyncSession,
    *,
    principal: Principal,
    case_id: uuid.UUID,
    action: str,
    trace_id: str,
    at: datetime,
) -> None:
    """Who saw a case's income and asset data (Logboek Dataverwerkingen)."""
    await repository.log_access(
        session,
        AccessLogEntry(
            at=at,
            actor=principal.subject,
            organisation=principal.organisation,
            purpose=principal.purpose,
            action=action,
            case_id=case_id,
            trace_id=trace_id,
        ),
    )
