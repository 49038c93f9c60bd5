"""Every query of the intake service."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select, text, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from intake.models import ApplicationRevision, KnownMunicipality, QuarantinedMessage
from servicekit.bulk import bulk_insert, insert_rows


async def register_municipality(session: AsyncSession, *, code: str, name: str) -> None:
    statement = insert(KnownMunicipality).values(code=code, name=name)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["code"], set_={"name": statement.excluded.name}
        )
    )


async def customers_among(session: AsyncSession, codes: set[str]) -> set[str]:
    """Which of these municipality codes are customers."""
    if not codes:
        return set()
    found = await session.scalars(
        select(KnownMunicipality.code).where(KnownMunicipality.code.in_(sorted(codes)))
    )
    return set(found)


async def existing_revisions(session: AsyncSession, event_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of these website event ids were stored before."""
    found = await session.scalars(
        select(ApplicationRevision.source_event_id).where(
            ApplicationRevision.source_event_id.in_(event_ids)
        )
    )
    return set(found)


async def add_revisions_to_applications(
    session: AsyncSession, counts: dict[str, tuple[int, str]]
) -> dict[str, tuple[uuid.UUID, int]]:
    """Count up the revisions of applications (created when new), locking their rows.

    `counts` maps application number to (new revisions, municipality code); returns the
    application id and its new newest revision number per application number. Rows are
    written in number order, so concurrent consumers lock them in the same order.
    """
    numbers = sorted(counts)
    rows = await session.execute(
        _COUNT_UP_REVISIONS,
        {
            "ids": [uuid.uuid4() for _ in numbers],
            "numbers": numbers,
            "municipalities": [counts[number][1] for number in numbers],
            "counts": [counts[number][0] for number in numbers],
        },
    )
    return {row.application_number: (row.id, row.current_revision) for row in rows}


# One statement for a whole batch, its rows passed as arrays: cheaper than a VALUES list.
_COUNT_UP_REVISIONS = text(
    """
    INSERT INTO applications (id, application_number, municipality_code, current_revision)
    SELECT * FROM unnest(
        CAST(:ids AS uuid[]), CAST(:numbers AS text[]),
        CAST(:municipalities AS text[]), CAST(:counts AS integer[]))
    ON CONFLICT (application_number) DO UPDATE SET
        current_revision = applications.current_revision + excluded.current_revision,
        municipality_code = excluded.municipality_code,
        updated_at = now()
    RETURNING application_number, id, current_revision
    """
)


# Built once; the body goes in as the text received, cast by PostgreSQL: no re-encoding.
_INSERT_REVISIONS = bulk_insert(
    "application_revisions",
    {
        "id": "uuid",
        "application_id": "uuid",
        "revision": "integer",
        "source_event_id": "uuid",
        "channel": "text",
        "body": "jsonb",
    },
)


@dataclass(frozen=True)
class RevisionRow:
    application_id: uuid.UUID
    revision: int
    source_event_id: uuid.UUID
    channel: str
    body: str
    """The message exactly as received (JSON text); PostgreSQL stores it as JSONB."""


async def add_revisions(session: AsyncSession, rows: list[RevisionRow]) -> None:
    await insert_rows(
        session,
        _INSERT_REVISIONS,
        [
            {
                "id": uuid.uuid4(),
                "application_id": row.application_id,
                "revision": row.revision,
                "source_event_id": row.source_event_id,
                "channel": row.channel,
                "body": row.body,
            }
            for row in rows
        ],
    )


@dataclass(frozen=True)
class QuarantineRow:
    channel: str
    message_id: str | None
    raw_body: bytes
    body_sha256: str
    municipality_code: str | None
    reason_code: str
    reason: str


async def add_quarantined_many(session: AsyncSession, rows: list[QuarantineRow]) -> list[uuid.UUID]:
    """Keep the messages; a body already open in quarantine is counted again, not stored twice."""
    times = Counter(row.body_sha256 for row in rows)
    first = {row.body_sha256: row for row in reversed(rows)}
    statement = insert(QuarantinedMessage).values(
        [
            {
                "id": uuid.uuid4(),
                **asdict(row),
                "status": "quarantined",
                "times_received": times[sha],
                "attempts": 1,
            }
            for sha, row in sorted(first.items())
        ]
    )
    upsert = statement.on_conflict_do_update(
        index_elements=["body_sha256"],
        # A literal, not a bound parameter: with a parameter PostgreSQL's generic plan (from the
        # sixth execution of a prepared statement) no longer matches the partial unique index.
        index_where=text("status = 'quarantined'"),
        set_={
            "times_received": QuarantinedMessage.times_received + statement.excluded.times_received
        },
    ).returning(QuarantinedMessage.body_sha256, QuarantinedMessage.id)
    ids = {row.body_sha256: row.id for row in await session.execute(upsert)}
    return [ids[row.body_sha256] for row in rows]


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
