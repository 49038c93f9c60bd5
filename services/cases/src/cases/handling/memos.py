"""Memos: staff notes in the case file, never edited or deleted; a correction is a new memo
that names the memo it corrects."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from cases.handling import repository
from cases.handling import service as handling
from cases.handling.models import CaseMemo
from cases.handling.service import InvalidRequestError, utc_now
from cases.models import Case, CaseHistory
from servicekit.auth import Principal


async def add_memo(
    *,
    session: AsyncSession,
    principal: Principal,
    case_id: uuid.UUID,
    text: str,
    corrects: uuid.UUID | None,
    now: datetime | None = None,
) -> CaseMemo:
    """Add a memo to the case; a correction must name a memo of the same case."""
    now = now or utc_now()
    case = await handling.load(session, principal=principal, case_id=case_id)
    if corrects is not None:
        original = await repository.memo(session, memo_id=corrects)
        if original is None or original.case_id != case.id:
            raise InvalidRequestError("Het memo dat u wilt corrigeren hoort niet bij deze case.")
    memo = CaseMemo(
        id=uuid.uuid4(),
        case_id=case.id,
        created_at=now,
        author=principal.subject,
        organisation=principal.organisation,
        text=text,
        corrects_memo_id=corrects,
    )
    history = CaseHistory(
        case_id=case.id,
        occurred_at=now,
        action="memo_corrected" if corrects else "memo_added",
        actor=principal.subject,
        from_status=None,
        to_status=None,
        reason=None,
        details={"memo_id": str(memo.id), "corrects": str(corrects) if corrects else None},
    )
    await repository.add(session, [memo, history])
    return memo


async def list_memos(
    *, session: AsyncSession, principal: Principal, case_id: uuid.UUID
) -> tuple[Case, Sequence[CaseMemo]]:
    """The case and its memos, newest first."""
    case = await handling.load(session, principal=principal, case_id=case_id)
    return case, await repository.memos_of(session, case_id=case.id)
