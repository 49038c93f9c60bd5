"""Everything one service runs besides its HTTP routes: database, bus, relay, consumers."""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from sqlalchemy import text

from servicekit.bus import Bus
from servicekit.clock import Clock
from servicekit.consumer import Consumer
from servicekit.db import Database
from servicekit.gauges import ScrapeGauges
from servicekit.metrics import CONSUMER_RUNNING
from servicekit.outbox import OutboxRelay
from servicekit.parking import Parking
from servicekit.settings import ServiceSettings
from servicekit.telemetry import configure_telemetry, shutdown_telemetry

log = structlog.get_logger(__name__)


class ServiceRuntime:
    """Built in the app's lifespan; nothing here exists at import time."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.clock = Clock()
        self.database = Database(settings.database_url)
        self.bus = Bus(settings.amqp_url, service=settings.service_name)
        self.relay = OutboxRelay(
            database=self.database,
            bus=self.bus,
            batch_size=settings.relay_batch_size,
            poll_seconds=settings.relay_poll_seconds,
            linger_seconds=settings.batch_linger_seconds,
        )
        self.parking = Parking(bus=self.bus, database=self.database)
        self.consumers: list[Consumer] = []
        self._observed_queues: list[str] = []
        self._tasks: list[asyncio.Task[None]] = []
        self.gauges = ScrapeGauges(
            service=settings.service_name,
            database=self.database,
            bus=self.bus,
            queues=lambda: [c.queue_name for c in self.consumers] + self._observed_queues,
        )

    def consumer(self, purpose: str) -> Consumer:
        """A new consumer of queue `<service>.<purpose>`, started with the runtime."""
        consumer = Consumer(
            bus=self.bus,
            database=self.database,
            purpose=purpose,
            prefetch=self.settings.consumer_prefetch,
            max_attempts=self.settings.consumer_max_attempts,
            linger_seconds=self.settings.batch_linger_seconds,
        )
        self.consumers.append(consumer)
        return consumer

    def observe_queue(self, name: str) -> None:
        """Report depth and consumers of a queue the service consumes by other means than
        `consumer()` (e.g. a work queue of competing replicas), like its consumers' queues."""
        self._observed_queues.append(name)

    async def start(self) -> None:
        exporting = configure_telemetry(service=self.settings.service_name)
        await self.bus.connect()
        self._tasks.append(asyncio.create_task(self.relay.run(), name="outbox-relay"))
        for consumer in self.consumers:
            await consumer.start()
            self._tasks.append(asyncio.create_task(consumer.run(), name=consumer.queue_name))
        log.info(
            "service.started",
            consumers=[c.queue_name for c in self.consumers],
            exporting_spans=exporting,
        )

    async def declare_topology(self) -> None:
        """Declare exchanges, queues and bindings without consuming (run by `migrate`)."""
        await self.bus.connect()
        try:
            for consumer in self.consumers:
                await consumer.declare()
        finally:
            await self.bus.close()

    async def stop(self) -> None:
        for consumer in self.consumers:
            with contextlib.suppress(Exception):
                await consumer.stop()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        with contextlib.suppress(Exception):
            await self.gauges.close()
        await self.bus.close()
        await self.database.dispose()
        shutdown_telemetry()

    async def refresh_gauges(self) -> None:
        """Before a scrape: the database and broker gauges, and which consumers still run."""
        running = {task.get_name() for task in self._tasks if not task.done()}
        for consumer in self.consumers:
            CONSUMER_RUNNING.labels(consumer.queue_name).set(
                1 if consumer.queue_name in running else 0
            )
        await self.gauges.refresh()

    async def ready(self) -> dict[str, bool]:
        checks = {"bus": self.bus.is_connected, "database": False}
        try:
            async with self.database.sessions() as session:
                await session.execute(text("SELECT 1"))
            checks["database"] = True
        except Exception:
            log.warning("service.database.unreachable", exc_info=True)
        checks["workers"] = all(not task.done() for task in self._tasks)
        return checks
