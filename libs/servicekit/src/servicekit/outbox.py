"""Transactional outbox: events are written with the state change, and a relay publishes them."""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

import structlog
from sqlalchemy import event as sa_event
from sqlalchemy import func, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from contracts.base import Envelope, Event
from servicekit.bulk import bulk_insert, insert_rows
from servicekit.bus import StoredEvent
from servicekit.metrics import OUTBOX_PUBLISHED, OUTBOX_RELAY_FAILURES
from servicekit.tables import inbox, outbox
from servicekit.tracing import TRACEPARENT_HEADER, traceparent_for

if TYPE_CHECKING:
    from servicekit.bus import Bus
    from servicekit.db import Database

log = structlog.get_logger(__name__)

_DIRTY = "servicekit.outbox_dirty"
PURGE_EVERY_SECONDS = 3600.0
# Built once: constructing a statement per event costs more than executing it.
# The envelope goes in as JSON text that pydantic serialised (in Rust), cast by PostgreSQL.
_INSERT = bulk_insert("outbox", {"event_id": "uuid", "routing_key": "text", "envelope": "jsonb"})
_MARK_SENT = text("UPDATE outbox SET sent_at = now(), attempts = attempts + 1 WHERE id = ANY(:ids)")
# The relay reads the envelope back as text and the few fields the message properties need,
# so nothing is decoded and encoded again on the way to the broker. The trace the event was
# written in is kept in the envelope column too (no column to migrate in every service) and
# leaves as a message header, not in the body: the envelope on the bus stays the contract's.
_PENDING = text(
    "SELECT id, routing_key, (envelope - 'traceparent')::text AS body, event_id, "
    "envelope->>'correlation_id' AS correlation_id, envelope->>'event_type' AS event_type, "
    "envelope->>'producer' AS producer, (envelope->>'version')::int AS version, "
    "envelope->>'traceparent' AS traceparent "
    "FROM outbox WHERE sent_at IS NULL ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED"
)


async def add_event(
    session: AsyncSession,
    event: Event,
    *,
    correlation_id: str,
    causation_id: uuid.UUID | None = None,
) -> Envelope:
    """Write `event` to the outbox in the session's current transaction."""
    (envelope,) = await add_events(session, [(event, correlation_id, causation_id)])
    return envelope


async def add_events(
    session: AsyncSession, events: Sequence[tuple[Event, str, uuid.UUID | None]]
) -> list[Envelope]:
    """Write several events, each `(event, correlation_id, causation_id)`, in one statement."""
    envelopes = [
        Envelope.wrap(event, correlation_id=correlation_id, causation_id=causation_id)
        for event, correlation_id, causation_id in events
    ]
    if envelopes:
        await insert_rows(
            session,
            _INSERT,
            [
                {
                    "event_id": envelope.event_id,
                    "routing_key": event.routing_key(),
                    "envelope": _with_traceparent(
                        envelope.model_dump_json(), traceparent_for(causation_id)
                    ),
                }
                for (event, _, causation_id), envelope in zip(events, envelopes, strict=True)
            ],
        )
        session.info[_DIRTY] = True
    return envelopes


def _with_traceparent(envelope_json: str, traceparent: str | None) -> str:
    """The envelope's JSON object with the trace as one more member (a validated header of
    hex digits and dashes: nothing to escape)."""
    if traceparent is None:
        return envelope_json
    return f'{envelope_json[:-1]},"{TRACEPARENT_HEADER}":"{traceparent}"}}'


class OutboxRelay:
    """Publishes unsent outbox rows with publisher confirms, then marks them sent.

    A batch is locked with `FOR UPDATE SKIP LOCKED` (so several replicas can relay), published
    with all confirms in flight at once, and marked sent in the same transaction. A crash between
    publishing and marking re-publishes the batch later: consumers dedupe by event id.
    """

    def __init__(
        self,
        *,
        database: Database,
        bus: Bus,
        batch_size: int = 500,
        poll_seconds: float = 1.0,
        linger_seconds: float = 0.0,
    ) -> None:
        self._sessions = database.sessions
        self._bus = bus
        self._batch_size = batch_size
        self._poll_seconds = poll_seconds
        self._linger_seconds = linger_seconds
        self._wakeup = asyncio.Event()
        self._next_purge = 0.0
        sa_event.listen(database.session_class, "after_commit", self._after_commit)

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(_DIRTY, False):
            self._wakeup.set()

    def wake(self) -> None:
        self._wakeup.set()

    async def publish_pending(self) -> int:
        """Publish one batch of unsent events; returns how many were published."""
        async with self._sessions() as session, session.begin():
            rows = (await session.execute(_PENDING, {"limit": self._batch_size})).all()
            if not rows:
                return 0
            await self._publish_all(
                [
                    StoredEvent(
                        routing_key=row.routing_key,
                        body=row.body.encode(),
                        event_id=str(row.event_id),
                        correlation_id=row.correlation_id,
                        event_type=row.event_type,
                        producer=row.producer,
                        version=row.version,
                        traceparent=row.traceparent,
                    )
                    for row in rows
                ]
            )
            await session.execute(_MARK_SENT, {"ids": [row.id for row in rows]})
        for event_type, published in Counter(row.event_type for row in rows).items():
            OUTBOX_PUBLISHED.labels(event_type).inc(published)
        return len(rows)

    async def _publish_all(self, events: list[StoredEvent]) -> None:
        await asyncio.gather(*(self._bus.publish_stored(event) for event in events))

    async def _housekeeping(self) -> None:
        """Once an hour, when idle: drop old sent outbox rows and old inbox ids."""
        if time.monotonic() < self._next_purge:
            return
        self._next_purge = time.monotonic() + PURGE_EVERY_SECONDS
        async with self._sessions() as session, session.begin():
            sent = await purge_sent(session)
            handled = await purge_inbox(session)
        if sent or handled:
            log.info("outbox.purged", outbox_rows=sent, inbox_rows=handled)

    async def run(self) -> None:
        """Relay until cancelled; woken by local commits, polling for other writers."""
        backoff = 0.5
        while True:
            try:
                published = await self.publish_pending()
                backoff = 0.5
            except asyncio.CancelledError:
                raise
            except Exception:
                OUTBOX_RELAY_FAILURES.labels(self._bus.service).inc()
                log.exception("outbox.relay.failed", retry_in_seconds=backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 30.0)
                continue
            if published == self._batch_size:
                continue
            try:
                await self._housekeeping()
            except Exception:
                # Housekeeping may wait for the next hour; relaying must not stop for it.
                log.exception("outbox.purge.failed")
            self._wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wakeup.wait(), timeout=self._poll_seconds)
            if self._linger_seconds and self._wakeup.is_set():
                # Let the commits that follow this one join its batch.
                await asyncio.sleep(self._linger_seconds)


async def purge_sent(session: AsyncSession, *, older_than_days: int = 7) -> int:
    """Delete outbox rows sent long ago; the bus and the consumers have them."""
    result = await session.execute(
        outbox.delete().where(
            outbox.c.sent_at < func.now() - func.make_interval(0, 0, 0, older_than_days)
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def purge_inbox(session: AsyncSession, *, older_than_days: int = 30) -> int:
    """Forget handled message ids long past any redelivery the broker could still make."""
    result = await session.execute(
        inbox.delete().where(
            inbox.c.processed_at < func.now() - func.make_interval(0, 0, 0, older_than_days)
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
