"""What operators see, against real PostgreSQL and RabbitMQ: the trace carried from a request
through the outbox and the bus, and the gauges /metrics reads from the database and broker."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable
from contextlib import asynccontextmanager

import httpx
import pytest
import structlog
from fastapi import FastAPI
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.base import Envelope
from contracts.organisations import MunicipalityRegistered
from servicekit.bus import EVENTS_EXCHANGE, Bus
from servicekit.consumer import Consumer, HandlerContext, UnprocessableMessageError
from servicekit.db import Database
from servicekit.gauges import ScrapeGauges
from servicekit.http import create_service_app
from servicekit.outbox import OutboxRelay, add_event, add_events
from servicekit.routes import Delivery
from servicekit.runtime import ServiceRuntime
from servicekit.settings import ServiceSettings
from servicekit.tables import MESSAGING_METADATA
from servicekit.testing import eventually
from servicekit.tracing import TRACEPARENT_HEADER, TraceContext, span

ROUTING_KEY = MunicipalityRegistered.event_type


@pytest.fixture
async def database(scratch_database_url: str) -> AsyncIterator[Database]:
    db = Database(scratch_database_url)
    async with db.engine.begin() as connection:
        await connection.run_sync(MESSAGING_METADATA.create_all)
    yield db
    await db.dispose()


@pytest.fixture
async def bus(amqp_url: str) -> AsyncIterator[Bus]:
    instance = Bus(amqp_url, service=f"obs{uuid.uuid4().hex[:8]}")
    await instance.connect()
    yield instance
    await instance.close()


def current_trace_id() -> str | None:
    value = structlog.contextvars.get_contextvars().get("trace_id")
    return value if isinstance(value, str) else None


async def test_a_trace_goes_from_the_outbox_over_the_bus_to_the_handler_and_its_follow_up(
    database: Database, bus: Bus
) -> None:
    seen: list[tuple[str, str | None]] = []

    async def handle(context: HandlerContext, event: MunicipalityRegistered) -> None:
        seen.append((event.code, current_trace_id()))
        if event.code == "0100":
            await context.publish(MunicipalityRegistered(code="0101", name="follow-up"))

    consumer = Consumer(bus=bus, database=database, purpose="trace", prefetch=10)
    consumer.on(MunicipalityRegistered, handle)
    await consumer.start()
    task = asyncio.create_task(consumer.run())
    # A second queue on the same key shows what goes over the wire.
    channel = await bus.connection.channel()
    wire = await channel.declare_queue(exclusive=True)
    await wire.bind(EVENTS_EXCHANGE, routing_key=ROUTING_KEY)

    incoming = TraceContext.new()
    with span("request", traceparent=incoming.traceparent):
        async with database.transaction() as session:
            await add_event(
                session, MunicipalityRegistered(code="0100", name="A"), correlation_id="c"
            )
    relay = OutboxRelay(database=database, bus=bus)
    assert await relay.publish_pending() == 1
    # The follow-up commits with the handler's transaction, just after the handler ran.
    await eventually(lambda: _equals(relay.publish_pending(), 1))
    await eventually(lambda: _holds(len(seen) == 2))

    assert seen == [("0100", incoming.trace_id), ("0101", incoming.trace_id)]
    message = await wire.get(timeout=5)
    header = TraceContext.parse((message.headers or {})[TRACEPARENT_HEADER])  # type: ignore[arg-type]
    assert header is not None
    assert header.trace_id == incoming.trace_id
    assert header.span_id != incoming.span_id, "the event is published from a span of its own"
    assert TRACEPARENT_HEADER not in json.loads(message.body), "the body stays the envelope"
    await message.ack()
    await channel.close()
    task.cancel()


async def test_a_set_based_handler_writes_each_follow_up_in_the_trace_of_its_cause(
    database: Database, bus: Bus
) -> None:
    async def handle(
        session: AsyncSession, deliveries: list[Delivery[MunicipalityRegistered]]
    ) -> None:
        causes = [d for d in deliveries if d.event.code.startswith("02")]
        await add_events(
            session,
            [
                d.follow_up(MunicipalityRegistered(code="03" + d.event.code[2:], name="f"))
                for d in causes
            ],
        )

    consumer = Consumer(bus=bus, database=database, purpose="batch", prefetch=10)
    consumer.on_batch((MunicipalityRegistered,), handle)
    await consumer.start()
    task = asyncio.create_task(consumer.run())
    traces = {code: TraceContext.new() for code in ("0201", "0202")}
    for code, trace in traces.items():
        with span("request", traceparent=trace.traceparent):
            async with database.transaction() as session:
                await add_event(
                    session, MunicipalityRegistered(code=code, name="x"), correlation_id=code
                )
    assert await OutboxRelay(database=database, bus=bus).publish_pending() == 2
    stored: dict[str, str] = {}

    async def both_follow_ups_committed() -> bool:
        async with database.sessions() as session:
            rows = await session.execute(
                text(
                    "SELECT envelope->'data'->>'code' AS code, envelope->>'traceparent' AS tp "
                    "FROM outbox WHERE sent_at IS NULL"
                )
            )
            stored.update({row.code: row.tp for row in rows})
        return len(stored) == 2

    await eventually(both_follow_ups_committed)
    trace_ids = {code: TraceContext.parse(tp) for code, tp in stored.items()}
    assert {code: trace.trace_id for code, trace in trace_ids.items() if trace} == {
        "0301": traces["0201"].trace_id,
        "0302": traces["0202"].trace_id,
    }
    task.cancel()


async def test_prefetch_in_use_counts_the_messages_held_until_they_are_settled(
    database: Database, bus: Bus
) -> None:
    release = asyncio.Event()

    async def slow(context: HandlerContext, event: MunicipalityRegistered) -> None:
        await release.wait()

    consumer = Consumer(bus=bus, database=database, purpose="slow", prefetch=10)
    consumer.on(MunicipalityRegistered, slow)
    await consumer.start()
    task = asyncio.create_task(consumer.run())
    async with database.transaction() as session:
        for code in ("0401", "0402", "0403"):
            await add_event(
                session, MunicipalityRegistered(code=code, name="x"), correlation_id="c"
            )
    await OutboxRelay(database=database, bus=bus).publish_pending()

    await eventually(
        lambda: _holds(sample("bus_consumer_unacked_messages", queue=consumer.queue_name) == 3)
    )
    assert sample("bus_consumer_prefetch_limit", queue=consumer.queue_name) == 10
    release.set()
    await eventually(
        lambda: _holds(sample("bus_consumer_unacked_messages", queue=consumer.queue_name) == 0)
    )
    task.cancel()


@asynccontextmanager
async def running_service(
    database_url: str, amqp_url: str
) -> AsyncIterator[tuple[ServiceRuntime, httpx.AsyncClient]]:
    settings = ServiceSettings(
        service_name=f"obs{uuid.uuid4().hex[:8]}", database_url=database_url, amqp_url=amqp_url
    )
    runtime = ServiceRuntime(settings)
    runtime.consumer("observed").on(MunicipalityRegistered, _raise_on_0666)
    runtime.gauges = ScrapeGauges(
        service=settings.service_name,
        database=runtime.database,
        bus=runtime.bus,
        queues=lambda: [c.queue_name for c in runtime.consumers],
        min_interval_seconds=0,
    )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield

    app = create_service_app(title="t", description="d", lifespan=lifespan)
    app.state.runtime = runtime
    await runtime.start()
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as client:
            yield runtime, client
    finally:
        await runtime.stop()


async def _raise_on_0666(context: HandlerContext, event: MunicipalityRegistered) -> None:
    if event.code == "0666":
        raise UnprocessableMessageError("no such municipality")


async def test_metrics_show_outbox_lag_inbox_size_parked_messages_and_consumers(
    scratch_database_url: str, amqp_url: str
) -> None:
    setup = Database(scratch_database_url)
    async with setup.engine.begin() as connection:
        await connection.run_sync(MESSAGING_METADATA.create_all)
    await setup.dispose()
    async with running_service(scratch_database_url, amqp_url) as (runtime, client):
        service = runtime.settings.service_name
        queue = runtime.consumers[0].queue_name
        parking = f"{service}.parking"
        scraped = await scrape(client)
        assert scraped[("outbox_oldest_unsent_age_seconds", (("service", service),))] == 0
        assert scraped[("bus_queue_consumers", (("queue", queue),))] == 1
        assert scraped[("bus_consumer_running", (("queue", queue),))] == 1
        assert scraped[("bus_parked_messages", (("queue", parking),))] == 0

        async with runtime.database.transaction() as session:
            await session.execute(
                text(
                    "INSERT INTO outbox (event_id, routing_key, envelope, created_at) VALUES "
                    "(gen_random_uuid(), 'x.y.z', '{}', now() - interval '90 seconds')"
                )
            )
            await session.execute(
                text("INSERT INTO inbox (consumer, message_id) VALUES ('q', 'a'), ('q', 'b')")
            )
        # A stuck event: the running relay skips the row while another transaction locks it.
        stuck = await runtime.database.engine.connect()
        await stuck.begin()
        await stuck.execute(text("SELECT 1 FROM outbox WHERE sent_at IS NULL FOR UPDATE"))
        await runtime.bus.publish_envelope(
            ROUTING_KEY,
            Envelope.wrap(MunicipalityRegistered(code="0666", name="bad"), correlation_id="c"),
        )

        async def parked() -> bool:
            return (await scrape(client)).get(("bus_parked_messages", (("queue", parking),))) == 1

        await eventually(parked, seconds=30)
        scraped = await scrape(client)
        lag = scraped[("outbox_oldest_unsent_age_seconds", (("service", service),))]
        await stuck.rollback()
        await stuck.close()
        assert 90 <= lag < 120
        assert scraped[("outbox_unsent_events", (("service", service),))] == 1
        # The parked event's inbox claim rolled back with its failed transaction.
        assert scraped[("inbox_messages", (("service", service),))] == 2

        await runtime.consumers[0].stop()
        await eventually(
            lambda: _scraped_equals(client, ("bus_queue_consumers", (("queue", queue),)), 0)
        )


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = await client.get("/metrics")
    assert response.status_code == 200
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


async def _scraped_equals(
    client: httpx.AsyncClient, key: tuple[str, tuple[tuple[str, str], ...]], expected: float
) -> bool:
    return (await scrape(client)).get(key) == expected


def sample(name: str, **labels: str) -> float | None:
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value(name, labels)


async def _holds(condition: bool) -> bool:
    return condition


async def _equals(value: Awaitable[int], expected: int) -> bool:
    return await value == expected
