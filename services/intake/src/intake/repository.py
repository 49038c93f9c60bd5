"""Every query of the intake service."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from intake.models import Application, ApplicationRevision, KnownMunicipality, QuarantinedMessage


async def is_customer(session: AsyncSession, code: str) -> bool:
    found = await session.execute(
        select(KnownMunicipality.code).where(KnownMunicipality.code == code)
    )
    return found.first() is not None


async def register_municipality(session: AsyncSession, *, code: str, name: str) -> None:
    statement = insert(KnownMunicipality).values(code=code, name=name)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["code"], set_={"name": statement.excluded.name}
        )
    )


async def next_revision(
    session: AsyncSession, *, application_number: str, municipality_code: str
) -> tuple[uuid.UUID, int]:
    """Create the application or count up its revision, in one statement that locks the row."""
    statement = insert(Application).values(
        id=uuid.uuid4(),
        application_number=application_number,
        municipality_code=municipality_code,
        current_revision=1,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["application_number"],
        set_={
            "current_revision": Application.current_revision + 1,
            "municipality_code": statement.excluded.municipality_code,
            "updated_at": func.now(),
        },
    )
    row = (
        await session.execute(statement.returning(Application.id, Application.current_revision))
    ).one()
    return row.id, row.current_revision


async def revision_exists(session: AsyncSession, source_event_id: uuid.UUID) -> bool:
    found = await session.execute(
        select(ApplicationRevision.id).where(ApplicationRevision.source_event_id == source_event_id)
    )
    return found.first() is not None


async def add_revision(
    session: AsyncSession,
    *,
    application_id: uuid.UUID,
    revision: int,
    source_event_id: uuid.UUID,
    channel: str,
    body: dict[str, Any],
) -> None:
    await session.execute(
        insert(ApplicationRevision).values(
            id=uuid.uuid4(),
            application_id=application_id,
            revision=revision,
            source_event_id=source_event_id,
            channel=channel,
            body=body,
        )
    )


async def add_quarantined(
    session: AsyncSession,
    *,
    channel: str,
    message_id: str | None,
    body: bytes,
    body_sha256: str,
    municipality_code: str | None,
    reason_code: str,
    reason: str,
) -> uuid.UUID:
    """Keep the message; the same body still open in quarantine is counted, not stored twice."""
    statement = insert(QuarantinedMessage).values(
        id=uuid.uuid4(),
        channel=channel,
        message_id=message_id,
        body_sha256=body_sha256,
        raw_body=body,
        municipality_code=municipality_code,
        reason_code=reason_code,
        reason=reason,
        status="quarantined",
        times_received=1,
        attempts=1,
    )
    upsert = statement.on_conflict_do_update(
        index_elements=["body_sha256"],
        index_where=QuarantinedMessage.status == "quarantined",
        set_={"times_received": QuarantinedMessage.times_received + 1},
    ).returning(QuarantinedMessage.id)
    quarantine_id: uuid.UUID = (await session.execute(upsert)).scalar_one()
    return quarantine_id


async def get_quarantined(
    session: AsyncSession, quarantine_id: uuid.UUID, *, for_update: bool = False
) -> QuarantinedMessage | None:
    statement = select(QuarantinedMessage).where(QuarantinedMessage.id == quarantine_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def list_quarantined(
    session: AsyncSession,
    *,
    municipalities: tuple[str, ...] | None,
    status: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[QuarantinedMessage]:
    """Newest first; `municipalities=None` means every message (the operator's view)."""
    statement = select(QuarantinedMessage)
    if municipalities is not None:
        statement = statement.where(QuarantinedMessage.municipality_code.in_(municipalities))
    if status is not None:
        statement = statement.where(QuarantinedMessage.status == status)
    if after is not None:
        statement = statement.where(
            tuple_(QuarantinedMessage.received_at, QuarantinedMessage.id) < tuple_(*after)
        )
    statement = statement.order_by(
        QuarantinedMessage.received_at.desc(), QuarantinedMessage.id.desc()
    ).limit(limit)
    return list((await session.execute(statement)).scalars())


async def list_municipalities(session: AsyncSession) -> list[KnownMunicipality]:
    return list(
        (await session.scalars(select(KnownMunicipality).order_by(KnownMunicipality.code))).all()
    )
