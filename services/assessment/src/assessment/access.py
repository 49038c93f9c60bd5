"""Who may do what in the assessment service: the role sets, in one place.

Operators and auditors see no case data here: the refused deliveries hold no personal data,
so operators may list those.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, HTTPException, status
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.casefile import repository as cases
from assessment.casefile.models import KnownCase
from servicekit.auth import Permission, Principal, require

CaseReader = Annotated[Principal, Depends(require(Permission.ASSESSMENT_READ))]
CaseHandler = Annotated[Principal, Depends(require(Permission.ASSESSMENT_PREPARE))]
Decider = Annotated[Principal, Depends(require(Permission.CASES_DECIDE))]
ParameterReader = Annotated[Principal, Depends(require(Permission.PARAMETERS_READ))]
ParameterEditor = Annotated[Principal, Depends(require(Permission.PARAMETERS_MANAGE))]
FileChecker = Annotated[Principal, Depends(require(Permission.FILE_CHECK_MANAGE))]
DeliveryWatcher = Annotated[Principal, Depends(require(Permission.DELIVERIES_MONITOR))]
OcktoCaller = Annotated[Principal, Depends(require(Permission.OCKTO_DELIVER))]
"""The gateway passes Ockto's callback on as the system principal `ockto`."""

CASE_NOT_FOUND = "zaak niet gevonden (of niet binnen uw organisatie)"
MUNICIPALITY_NOT_FOUND = "gemeente niet gevonden (of niet binnen uw organisatie)"


def in_scope(principal: Principal, municipality_code: str | None, *, what: str) -> None:
    """404 for anything outside the principal's municipalities (never 403: it does not exist)."""
    if not principal.may_see(municipality_code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, what)


async def visible_case(
    session: AsyncSession, principal: Principal, case_id: uuid.UUID, *, lock: bool = False
) -> KnownCase:
    """The case, when it exists and is in scope; else 404 (a case not heard of yet, too)."""
    case = await (cases.lock(session, case_id) if lock else cases.get(session, case_id))
    if case is None or not principal.may_see(case.municipality_code):
        raise HTTPException(status.HTTP_404_NOT_FOUND, CASE_NOT_FOUND)
    return case
