"""Every query of the letters."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import undefer

from correspondence.letters.models import Bounce, Letter


async def add_letters(session: AsyncSession, rows: list[dict[str, Any]]) -> list[uuid.UUID]:
    """Insert letters; those with an existing (case, kind, channel, cause) are left out."""
    if not rows:
        return []
    result = await session.execute(
        insert(Letter)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["case_id", "kind", "channel", "cause"])
        .returning(Letter.id)
    )
    return [row.id for row in result]


async def get(
    session: AsyncSession, letter_id: uuid.UUID, *, content: bool = False
) -> Letter | None:
    query = select(Letter).where(Letter.id == letter_id)
    if content:
        query = query.options(undefer(Letter.pdf), undefer(Letter.html), undefer(Letter.text_body))
    return (await session.scalars(query)).one_or_none()


async def of_case(session: AsyncSession, case_id: uuid.UUID) -> list[Letter]:
    query = select(Letter).where(Letter.case_id == case_id).order_by(Letter.created_at, Letter.id)
    return list(await session.scalars(query))


async def work(session: AsyncSession, ids: list[uuid.UUID]) -> list[Letter]:
    """The letters among `ids` still to be rendered or sent, with their content."""
    query = (
        select(Letter)
        .where(Letter.id.in_(ids), Letter.status.in_(("queued", "rendered")))
        .options(undefer(Letter.pdf), undefer(Letter.html), undefer(Letter.text_body))
    )
    return list(await session.scalars(query))


async def lock_still_queued(session: AsyncSession, ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Of `ids`, the letters still queued, locked for this transaction: a campaign paused while
    they rendered has moved them to `held`, and the renderer's result must not overwrite that."""
    if not ids:
        return set()
    query = (
        select(Letter.id)
        .where(Letter.id.in_(ids), Letter.status == "queued")
        .order_by(Letter.id)  # the order `move_campaign` locks in: no deadlock with a pause
        .with_for_update()
    )
    return set(await session.scalars(query))


async def hold(session: AsyncSession, ids: list[uuid.UUID]) -> None:
    """Of `ids`, those still to render or send become `held` (their campaign is paused)."""
    if not ids:
        return
    await session.execute(
        update(Letter)
        .where(Letter.id.in_(ids), Letter.status.in_(("queued", "rendered")))
        .values(status="held")
        .execution_options(synchronize_session=False)
    )


async def draft_decision(session: AsyncSession, case_id: uuid.UUID) -> list[Letter]:
    query = (
        select(Letter)
        .where(
            Letter.case_id == case_id,
            Letter.status == "draft",
            Letter.kind.in_(("decision_granted", "decision_rejected")),
        )
        .order_by(Letter.created_at.desc())
    )
    return list(await session.scalars(query))


async def latest_decision(session: AsyncSession, case_id: uuid.UUID) -> list[Letter]:
    query = (
        select(Letter)
        .where(
            Letter.case_id == case_id, Letter.kind.in_(("decision_granted", "decision_rejected"))
        )
        .order_by(Letter.created_at.desc())
    )
    return list(await session.scalars(query))


async def set_values(session: AsyncSession, letter_id: uuid.UUID, **values: Any) -> None:
    await session.execute(update(Letter).where(Letter.id == letter_id).values(**values))


async def due_retries(session: AsyncSession, *, now: datetime, limit: int) -> list[Letter]:
    query = (
        select(Letter)
        .where(Letter.status == "retry", Letter.next_attempt_at <= now)
        .order_by(Letter.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(await session.scalars(query))


async def unarchived(session: AsyncSession, *, limit: int) -> list[Letter]:
    """Letters with a PDF but no archived copy, left by their worker: a `queued` or `rendered`
    letter is still a worker's (which archives it before sending; a crashed replica's letter
    comes back to another one), so the sweep does not archive it a second time meanwhile."""
    query = (
        select(Letter)
        .where(
            Letter.document_id.is_(None),
            Letter.pdf.is_not(None),
            Letter.status.not_in(("queued", "rendered")),
        )
        .order_by(Letter.created_at)
        .limit(limit)
        .options(undefer(Letter.pdf))
        .with_for_update(skip_locked=True)
    )
    return list(await session.scalars(query))


async def print_batch(session: AsyncSession, *, code: str, day: date) -> list[Letter]:
    query = (
        select(Letter)
        .where(
            Letter.municipality_code == code,
            Letter.channel == "post",
            Letter.status == "sent",
            Letter.print_date == day,
        )
        .order_by(Letter.sort_key, Letter.id)
        .options(undefer(Letter.pdf))
    )
    return list(await session.scalars(query))


async def progress(
    session: AsyncSession, *, code: str, campaign: str
) -> list[tuple[str, str, int]]:
    query = (
        select(Letter.channel, Letter.status, func.count())
        .where(Letter.municipality_code == code, Letter.campaign == campaign)
        .group_by(Letter.channel, Letter.status)
    )
    return [(row[0], row[1], int(row[2])) for row in await session.execute(query)]


async def move_campaign(
    session: AsyncSession, *, code: str, campaign: str, from_statuses: tuple[str, ...], to: str
) -> list[Letter]:
    # The rows are locked in id order, as the letters worker locks them: no deadlock.
    locked = (
        select(Letter.id)
        .where(
            Letter.municipality_code == code,
            Letter.campaign == campaign,
            Letter.status.in_(from_statuses),
        )
        .order_by(Letter.id)
        .with_for_update()
    )
    result = await session.scalars(
        update(Letter)
        .where(Letter.id.in_(locked.scalar_subquery()), Letter.status.in_(from_statuses))
        .values(status=to)
        .returning(Letter)
    )
    return list(result)


async def by_message_id(session: AsyncSession, message_id: str) -> Letter | None:
    return (
        await session.scalars(select(Letter).where(Letter.message_id == message_id))
    ).one_or_none()


async def add_bounce(session: AsyncSession, bounce: Bounce) -> None:
    session.add(bounce)
    await session.flush()


async def bounces_of_case(session: AsyncSession, case_id: uuid.UUID) -> list[Bounce]:
    query = select(Bounce).where(Bounce.case_id == case_id).order_by(Bounce.received_at)
    return list(await session.scalars(query))


async def statuses_for_cause(session: AsyncSession, *, case_id: uuid.UUID, cause: str) -> set[str]:
    query = select(Letter.status).where(Letter.case_id == case_id, Letter.cause == cause)
    return set(await session.scalars(query))
