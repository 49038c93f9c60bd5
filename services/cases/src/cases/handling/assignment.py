"""Assignment: who works on a case; `None` puts it back in the unassigned queue."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from cases.handling import repository
from cases.handling import service as handling
from cases.handling.service import utc_now
from cases.models import Case, CaseHistory
from contracts.cases import CaseAssigned
from servicekit.auth import Principal
from servicekit.outbox import add_event

ME: Final = "me"
"""The assignee that stands for the caller."""


async def assign(
    *,
    session: AsyncSession,
    principal: Principal,
    case_id: uuid.UUID,
    assignee: str | None,
    correlation_id: str,
    now: datetime | None = None,
) -> Case:
    """Assign the case (`"me"`: to the caller; None: to nobody); a no-op when unchanged."""
    now = now or utc_now()
    case = await handling.load(session, principal=principal, case_id=case_id, lock=True)
    new = principal.subject if assignee == ME else assignee
    previous = case.assigned_to
    if new == previous:
        return case
    case.assigned_to, case.updated_at = new, now
    await repository.add(
        session,
        [
            CaseHistory(
                case_id=case.id,
                occurred_at=now,
                action="assigned" if new else "unassigned",
                actor=principal.subject,
                from_status=None,
                to_status=None,
                reason=None,
                details={"assignee": new, "previous_assignee": previous},
            )
        ],
    )
    await add_event(
        session,
        CaseAssigned(
            case_id=case.id,
            municipality_code=case.municipality_code,
            assignee=new,
            previous_assignee=previous,
            assigned_by=principal.subject,
            assigned_at=now,
        ),
        correlation_id=correlation_id,
    )
    return case
