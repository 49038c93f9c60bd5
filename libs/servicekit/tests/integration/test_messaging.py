"""The outbox relay, the inbox and the consumer against real PostgreSQL and RabbitMQ."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable
from typing import Any

import aio_pika
import pytest
from sqlalchemy import text

from contracts.base import Envelope
from contracts.organisations import MunicipalityRegistered
from servicekit.bus import EVENTS_EXCHANGE, Bus, StoredEvent, parking_queue_name
from servicekit.consumer import Consumer, HandlerContext
from servicekit.db import Database
from servicekit.outbox import OutboxRelay, add_event, purge_inbox, purge_sent
from servicekit.tables import MESSAGING_METADATA
from servicekit.testing import eventually


@pytest.fixture
async def database(scratch_database_url: str) -> AsyncIterator[Database]:
    db = Database(scratch_database_url)
    async with db.engine.begin() as connection:
        await connection.run_sync(MESSAGING_METADATA.create_all)
        await connection.execute(text("CREATE TABLE effects (code text NOT NULL)"))
    yield db
    await db.dispose()


@pytest.fixture
async def bus(amqp_url: str) -> AsyncIterator[Bus]:
    service = f"kit{uuid.uuid4().hex[:8]}"
    instance = Bus(amqp_url, service=service)
    await instance.connect()
    yield instance
    await instance.close()


async def effect_count(database: Database, code: str) -> int:
    async with database.sessions() as session:
        result = await session.execute(
            text("SELECT count(*) FROM effects WHERE code = :c"), {"c": code}
        )
        return int(result.scalar_one())


async def record_effect(context: HandlerContext, event: MunicipalityRegistered) -> None:
    await context.session.execute(text("INSERT INTO effects (code) VALUES (:c)"), {"c": event.code})


async def start_consumer(
    bus: Bus, database: Database, **handlers: Any
) -> tuple[Consumer, asyncio.Task[None]]:
    consumer = Consumer(bus=bus, database=database, purpose="test", prefetch=10, max_attempts=3)
    consumer.on(MunicipalityRegistered, handlers.get("handler", record_effect))
    await consumer.start()
    return consumer, asyncio.create_task(consumer.run())


async def queue_depth(bus: Bus, name: str) -> int:
    channel = await bus.connection.channel()
    queue = await channel.declare_queue(name, passive=True)
    depth = queue.declaration_result.message_count or 0
    await channel.close()
    return depth


class CrashAfterPublishRelay(OutboxRelay):
    """Fault injection: the process dies after the broker confirmed, before marking rows sent."""

    async def _publish_all(self, events: list[StoredEvent]) -> None:
        await super()._publish_all(events)
        raise ConnectionAbortedError("simulated crash before the outbox rows were marked sent")


async def test_crash_between_publish_and_mark_loses_nothing_and_duplicates_no_effect(
    database: Database, bus: Bus
) -> None:
    consumer, task = await start_consumer(bus, database)
    async with database.transaction() as session:
        await add_event(session, MunicipalityRegistered(code="0001", name="A"), correlation_id="c1")

    with pytest.raises(ConnectionAbortedError):
        await CrashAfterPublishRelay(database=database, bus=bus).publish_pending()
    # The restarted relay publishes the same event again; the consumer's inbox absorbs it.
    assert await OutboxRelay(database=database, bus=bus).publish_pending() == 1
    assert await OutboxRelay(database=database, bus=bus).publish_pending() == 0

    await eventually(lambda: _equals(effect_count(database, "0001"), 1))
    await eventually(lambda: _equals(queue_depth(bus, consumer.queue_name), 0))
    assert await effect_count(database, "0001") == 1
    task.cancel()


async def test_publish_failure_keeps_the_event_for_the_next_run(
    database: Database, bus: Bus
) -> None:
    async with database.transaction() as session:
        await add_event(session, MunicipalityRegistered(code="0002", name="B"), correlation_id="c2")
    broken = Bus("amqp://guest:guest@127.0.0.1:1/", service=bus.service)
    with pytest.raises(RuntimeError):
        await OutboxRelay(database=database, bus=broken).publish_pending()
    _, task = await start_consumer(bus, database)
    assert await OutboxRelay(database=database, bus=bus).publish_pending() == 1
    await eventually(lambda: _equals(effect_count(database, "0002"), 1))
    task.cancel()


async def test_same_event_delivered_twice_has_one_effect(database: Database, bus: Bus) -> None:
    consumer, task = await start_consumer(bus, database)
    envelope = Envelope.wrap(MunicipalityRegistered(code="0003", name="C"), correlation_id="c3")
    await bus.publish_envelope("gateway.municipality.registered", envelope)
    await bus.publish_envelope("gateway.municipality.registered", envelope)
    await eventually(lambda: _equals(queue_depth(bus, consumer.queue_name), 0))
    await eventually(lambda: _equals(effect_count(database, "0003"), 1))
    assert await effect_count(database, "0003") == 1
    task.cancel()


async def parked_messages(bus: Bus) -> list[aio_pika.abc.AbstractIncomingMessage]:
    channel = await bus.connection.channel()
    queue = await channel.declare_queue(parking_queue_name(bus.service), passive=True)
    messages = []
    while (message := await queue.get(fail=False)) is not None:
        messages.append(message)
        await message.ack()
    await channel.close()
    return messages


async def test_unparseable_and_failing_messages_are_parked_with_their_reason(
    database: Database, bus: Bus
) -> None:
    async def always_fails(context: HandlerContext, event: MunicipalityRegistered) -> None:
        raise RuntimeError("downstream rule exploded")

    consumer, task = await start_consumer(bus, database, handler=always_fails)
    channel = await bus.connection.channel()
    exchange = await channel.get_exchange(EVENTS_EXCHANGE)
    await exchange.publish(
        aio_pika.Message(b"{not json", message_id="garbage"), "gateway.municipality.registered"
    )
    failing = Envelope.wrap(MunicipalityRegistered(code="0004", name="D"), correlation_id="c4")
    await bus.publish_envelope("gateway.municipality.registered", failing)

    collected: list[aio_pika.abc.AbstractIncomingMessage] = []

    async def both_parked() -> bool:
        collected.extend(await parked_messages(bus))
        return len(collected) >= 2

    await eventually(both_parked, seconds=30)
    reasons = {m.message_id: str((m.headers or {})["x-parked-reason"]) for m in collected}
    assert reasons["garbage"].startswith("invalid event data: ")
    assert "Invalid JSON" in reasons["garbage"]
    assert "downstream rule exploded" in reasons[str(failing.event_id)]
    assert await queue_depth(bus, consumer.queue_name) == 0
    await channel.close()
    task.cancel()


async def _equals(value: Awaitable[int], expected: int) -> bool:
    return await value == expected


async def test_purges_drop_only_old_sent_events_and_old_inbox_ids(database: Database) -> None:
    async with database.transaction() as session:
        kept = await add_event(
            session, MunicipalityRegistered(code="0005", name="E"), correlation_id="c5"
        )
        old = await add_event(
            session, MunicipalityRegistered(code="0006", name="F"), correlation_id="c6"
        )
        unsent = await add_event(
            session, MunicipalityRegistered(code="0007", name="G"), correlation_id="c7"
        )
        await session.execute(
            text("UPDATE outbox SET sent_at = now() - interval '8 days' WHERE event_id = :id"),
            {"id": old.event_id},
        )
        await session.execute(
            text("UPDATE outbox SET sent_at = now() WHERE event_id = :id"), {"id": kept.event_id}
        )
        await session.execute(
            text(
                "INSERT INTO inbox (consumer, message_id, processed_at) VALUES "
                "('q', 'old', now() - interval '31 days'), ('q', 'recent', now())"
            )
        )
    async with database.transaction() as session:
        assert await purge_sent(session) == 1
        assert await purge_inbox(session) == 1
    async with database.sessions() as session:
        left = set((await session.execute(text("SELECT event_id FROM outbox"))).scalars())
        ids = set((await session.execute(text("SELECT message_id FROM inbox"))).scalars())
    assert left == {kept.event_id, unsent.event_id}
    assert ids == {"recent"}
