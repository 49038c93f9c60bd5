"""Gauges read from the database and the broker when Prometheus scrapes.

Read at most once per `min_interval_seconds` however many scrapers ask, each reading bounded by
a timeout, by queries the outbox's partial index answers. A failed reading keeps the previous
values and raises `servicekit_scrape_gauges_failed`, so /metrics itself always answers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import structlog
from aio_pika.abc import AbstractRobustChannel
from sqlalchemy import text

from servicekit.bus import Bus, parking_queue_name
from servicekit.db import Database
from servicekit.metrics import (
    GAUGES_STALE,
    INBOX_SIZE,
    OUTBOX_LAG,
    OUTBOX_UNSENT,
    PARKED_MESSAGES,
    QUEUE_CONSUMERS,
    QUEUE_MESSAGES,
)

log = structlog.get_logger(__name__)

COUNT_LIMIT = 100_000
# The oldest unsent row is the first of the partial index `outbox_unsent_idx` (ids count up
# with time); the inbox is counted exactly while small, and estimated by the planner's
# statistics (kept by autovacuum) once a count would cost a long index scan.
_DATABASE = text(
    "SELECT"
    " (SELECT extract(epoch FROM now() - created_at) FROM outbox"
    "  WHERE sent_at IS NULL ORDER BY id LIMIT 1) AS lag,"
    " (SELECT count(*) FROM (SELECT 1 FROM outbox WHERE sent_at IS NULL LIMIT :limit) AS o)"
    "  AS unsent,"
    " (SELECT CASE WHEN c.reltuples < :limit THEN (SELECT count(*) FROM inbox)"
    "  ELSE c.reltuples::bigint END FROM pg_class AS c WHERE c.oid = 'inbox'::regclass) AS inbox"
)
_HAS_PARKED_TABLE = text("SELECT to_regclass('parked_messages') IS NOT NULL")
# Parked messages an operator has looked at wait in the table, no longer in the queue.
_PARKED_ROWS = text(
    "SELECT count(*) FROM (SELECT 1 FROM parked_messages WHERE status = 'parked' LIMIT :limit) AS p"
)


class ScrapeGauges:
    """The outbox, inbox and queue gauges of one service."""

    def __init__(
        self,
        *,
        service: str,
        database: Database,
        bus: Bus,
        queues: Callable[[], Sequence[str]],
        min_interval_seconds: float = 5.0,
        timeout_seconds: float = 3.0,
    ) -> None:
        self._service = service
        self._database = database
        self._bus = bus
        self._queues = queues
        self._min_interval = min_interval_seconds
        self._timeout = timeout_seconds
        self._next_reading = 0.0
        self._lock = asyncio.Lock()
        self._channel: AbstractRobustChannel | None = None
        self._has_parked_table: bool | None = None
        self._parked_rows = 0

    async def refresh(self) -> None:
        async with self._lock:
            if time.monotonic() < self._next_reading:
                return
            self._next_reading = time.monotonic() + self._min_interval
            await self._guarded("database", self.read_database())
            if self._bus.is_connected:
                await self._guarded("broker", self.read_broker())

    async def _guarded(self, source: str, reading: Coroutine[Any, Any, None]) -> None:
        try:
            await asyncio.wait_for(reading, timeout=self._timeout)
        except Exception:
            GAUGES_STALE.labels(self._service, source).set(1)
            log.warning("metrics.gauges.unreadable", source=source, exc_info=True)
        else:
            GAUGES_STALE.labels(self._service, source).set(0)

    async def read_database(self) -> None:
        async with self._database.sessions() as session:
            row = (await session.execute(_DATABASE, {"limit": COUNT_LIMIT})).one()
            if self._has_parked_table is None:
                self._has_parked_table = bool(await session.scalar(_HAS_PARKED_TABLE))
            if self._has_parked_table:
                counted = await session.scalar(_PARKED_ROWS, {"limit": COUNT_LIMIT})
                self._parked_rows = int(counted or 0)
        OUTBOX_LAG.labels(self._service).set(float(row.lag or 0))
        OUTBOX_UNSENT.labels(self._service).set(int(row.unsent))
        INBOX_SIZE.labels(self._service).set(int(row.inbox or 0))

    async def read_broker(self) -> None:
        """Passive declares: depth and consumers of each queue, without changing any."""
        parking = parking_queue_name(self._bus.service)
        for name in [parking, *self._queues()]:
            if self._channel is None or self._channel.is_closed:
                # A passive declare of a missing queue closes its channel: never the bus's own.
                self._channel = await self._bus.connection.channel()
            # Not robust: a robust channel answers a passive declare from its cache, stale.
            queue = await self._channel.declare_queue(name, passive=True, robust=False)
            result = queue.declaration_result
            if name == parking:
                PARKED_MESSAGES.labels(name).set((result.message_count or 0) + self._parked_rows)
            else:
                QUEUE_MESSAGES.labels(name).set(result.message_count or 0)
                QUEUE_CONSUMERS.labels(name).set(result.consumer_count or 0)

    async def close(self) -> None:
        if self._channel is not None and not self._channel.is_closed:
            await self._channel.close()
        self._channel = None
