"""What the assessment does when a case opens, and when its household or status changes.

On opening, in this order: an applicant on the municipality's file check is granted at once
("op basis van bestandscheck"); an application in a municipality that checks afterwards is
granted at once ("zonder onderzoek"); otherwise an Ockto session is requested (when the
licence has Ockto). Takes a session, never commits.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.advice import service as advice
from assessment.casefile import repository, service
from assessment.casefile.service import CLOSED_STATUSES
from assessment.crypto import Keyring
from assessment.decisions import service as decisions
from assessment.filecheck import service as filecheck
from assessment.ockto import service as sessions
from assessment.parameters import service as parameters
from contracts.cases import CaseHouseholdCorrected, CaseOpened, CaseStatusChanged
from contracts.licences import Feature
from servicekit.tenants import get_tenant


async def case_opened(
    session: AsyncSession,
    event: CaseOpened,
    *,
    bsn_secret: str,
    at: datetime,
    correlation_id: str,
    causation_id: uuid.UUID,
) -> str:
    """Returns what was done: `known`, `file_check`, `without_investigation`, `session`,
    `no_ockto`."""
    if not await service.record_opened(session, event, at=at):
        return "known"
    case = await repository.get(session, event.case_id)
    if case is None:  # pragma: no cover - recorded just now
        return "known"
    version = await parameters.applicable(session, case.municipality_code, case.submitted_on, at=at)
    household = service.household_of(case)
    if (
        case.kind == "application"
        and household is not None
        and await filecheck.is_listed(
            session, code=case.municipality_code, bsn=household.applicant.bsn, secret=bsn_secret
        )
    ):
        await decisions.decide_by_system(
            session,
            case=case,
            basis="file_check",
            at=at,
            correlation_id=correlation_id,
            causation_id=causation_id,
        )
        return "file_check"
    if case.kind == "application" and version.check_moment == "achteraf":
        await decisions.decide_by_system(
            session,
            case=case,
            basis="without_investigation",
            at=at,
            correlation_id=correlation_id,
            causation_id=causation_id,
        )
        return "without_investigation"
    tenant = await get_tenant(session, case.municipality_code)
    if tenant is not None and not tenant.has(Feature.OCKTO):
        return "no_ockto"
    await sessions.request_session(
        session,
        case,
        trigger="automatic",
        started_by="system",
        at=at,
        correlation_id=correlation_id,
    )
    return "session"


async def household_corrected(
    session: AsyncSession,
    event: CaseHouseholdCorrected,
    *,
    keyring: Keyring,
    at: datetime,
    correlation_id: str,
    causation_id: uuid.UUID,
) -> None:
    """The household changed: the advice is computed again for it."""
    if not await service.record_household(
        session, case_id=event.case_id, household=event.household, revision=event.revision
    ):
        return
    case = await repository.lock(session, event.case_id)
    if case is not None:
        await advice.recompute(
            session,
            case=case,
            keyring=keyring,
            trigger="household_corrected",
            requested_by="system",
            at=at,
            correlation_id=correlation_id,
            causation_id=causation_id,
        )


async def status_changed(session: AsyncSession, event: CaseStatusChanged, *, at: datetime) -> None:
    """Keep the status; a closed case's open sessions stop."""
    await service.record_status(session, event)
    if event.to_status in CLOSED_STATUSES:
        await sessions.cancel_open(session, event.case_id, at=at)
