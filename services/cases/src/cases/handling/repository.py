"""Every query of case handling: workflow, holds, memos, assignment and history.

The handling works on one case at a time through the ORM, the case row locked `FOR UPDATE`
so two people acting on the same case at once are serialised; the lifting of due holds locks
`FOR UPDATE SKIP LOCKED`, so several replicas lift different cases and never wait on each other.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import ARRAY, Uuid, any_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from cases.casefile.repository import Scope
from cases.handling.models import CaseMemo
from cases.models import Base, Case, CaseHistory
from cases.statuses import CaseStatus

# One statement for any number of cases, locked in id order: batches of followed events that
# share cases wait for each other instead of deadlocking. (Application batches lock by number;
# should one deadlock with these, PostgreSQL aborts one and its consumer replays it event by
# event.)
_LOCK_CASES = (
    select(Case)
    .where(Case.id == any_(bindparam("case_ids", type_=ARRAY(Uuid))))
    .order_by(Case.id)
    .with_for_update()
)


async def case_in_scope(
    session: AsyncSession, *, case_id: uuid.UUID, scope: Scope, lock: bool = False
) -> Case | None:
    """The case (without its relationships) if it is in scope, locked when asked."""
    if scope is not None and not scope:
        return None
    statement = select(Case).where(Case.id == case_id)
    if scope is not None:
        statement = statement.where(Case.municipality_code.in_(scope))
    if lock:
        statement = statement.with_for_update()
    return (await session.scalars(statement)).one_or_none()


async def lock_cases(
    session: AsyncSession, *, case_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Case]:
    """These cases (those that exist) by id, locked until the transaction ends."""
    if not case_ids:
        return {}
    cases = await session.scalars(_LOCK_CASES, {"case_ids": list(case_ids)})
    return {case.id: case for case in cases}


async def lock_due_holds(session: AsyncSession, *, before: date, limit: int) -> Sequence[Case]:
    """Cases on hold whose last day of hold is before `before`, locked, skipping cases that
    another transaction holds (another replica lifting, or a person acting on the case)."""
    statement = (
        select(Case)
        .where(
            Case.status == CaseStatus.ON_HOLD.value,
            Case.hold_until.is_not(None),
            Case.hold_until < before,
        )
        .order_by(Case.hold_until, Case.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.scalars(statement)).all()


async def history_of(session: AsyncSession, *, case_id: uuid.UUID) -> Sequence[CaseHistory]:
    """The case's history, oldest first."""
    statement = (
        select(CaseHistory)
        .where(CaseHistory.case_id == case_id)
        .order_by(CaseHistory.occurred_at, CaseHistory.id)
    )
    return (await session.scalars(statement)).all()


async def memos_of(session: AsyncSession, *, case_id: uuid.UUID) -> Sequence[CaseMemo]:
    """The case's memos, newest first."""
    statement = (
        select(CaseMemo)
        .where(CaseMemo.case_id == case_id)
        .order_by(CaseMemo.created_at.desc(), CaseMemo.id.desc())
    )
    return (await session.scalars(statement)).all()


async def memo(session: AsyncSession, *, memo_id: uuid.UUID) -> CaseMemo | None:
    return await session.get(CaseMemo, memo_id)


async def add(session: AsyncSession, rows: Sequence[Base]) -> None:
    """Write new rows (history, memos) and the changes of loaded cases now."""
    session.add_all(rows)
    await session.flush()
