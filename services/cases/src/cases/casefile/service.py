"""The case file; functions take a session and never commit."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from cases.casefile import repository
from cases.casefile.repository import Scope
from cases.models import Case


async def get_case(*, session: AsyncSession, case_id: uuid.UUID, scope: Scope) -> Case | None:
    """The case with everything the detail page shows, or None when missing or out of scope."""
    return await repository.get_case(session, case_id=case_id, scope=scope)
