"""The service's copy of each case: the addressee of its letters."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.cases import CaseHouseholdCorrected, CaseOpened
from correspondence.residents import repository
from correspondence.residents.models import CaseCopy


async def remember(session: AsyncSession, event: CaseOpened) -> None:
    await repository.upsert_case(
        session,
        {
            "case_id": event.case_id,
            "municipality_code": event.municipality_code,
            "kind": event.kind,
            "application_number": event.application_number,
            "submitted_at": event.submitted_at,
            "requested_start_date": event.requested_start_date,
            "campaign": event.campaign,
            "household": event.household.model_dump(mode="json") if event.household else None,
            "revision": 1,
            "status": event.status,
        },
    )


async def correct(session: AsyncSession, event: CaseHouseholdCorrected) -> None:
    if event.household is not None:
        await repository.correct_household(
            session,
            case_id=event.case_id,
            revision=event.revision,
            household=event.household.model_dump(mode="json"),
        )


def as_dict(case: CaseCopy) -> dict[str, Any]:
    return {
        "case_id": case.case_id,
        "municipality_code": case.municipality_code,
        "kind": case.kind,
        "application_number": case.application_number,
        "submitted_at": case.submitted_at,
        "requested_start_date": case.requested_start_date,
        "campaign": case.campaign,
        "household": case.household,
        "status": case.status,
    }
