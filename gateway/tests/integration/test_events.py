"""Organisation changes reach RabbitMQ through the outbox, relayed by the running gateway."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator

import aio_pika
import httpx
import pytest
from aio_pika.abc import AbstractQueue

from contracts.base import Envelope
from gateway.admin import main
from servicekit.bus import EVENTS_EXCHANGE


@pytest.fixture
async def gateway_events(amqp_url: str) -> AsyncIterator[AbstractQueue]:
    """A private queue bound to every event the gateway publishes."""
    connection = await aio_pika.connect_robust(amqp_url)
    channel = await connection.channel()
    exchange = await channel.declare_exchange(
        EVENTS_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True
    )
    queue = await channel.declare_queue(f"test.gateway.{uuid.uuid4().hex[:8]}", exclusive=True)
    await queue.bind(exchange, routing_key="gateway.#")
    yield queue
    await connection.close()


async def receive(queue: AbstractQueue, count: int, *, seconds: float = 10.0) -> list[Envelope]:
    received: list[Envelope] = []
    deadline = time.monotonic() + seconds
    while len(received) < count:
        assert time.monotonic() < deadline, f"only {len(received)} of {count} events arrived"
        message = await queue.get(fail=False)
        if message is None:
            await asyncio.sleep(0.05)
            continue
        await message.ack()
        received.append(Envelope.model_validate_json(message.body))
    return received


async def test_events_written_by_the_admin_cli_are_published(
    gateway_events: AbstractQueue,
    client: httpx.AsyncClient,
    gateway_database_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GATEWAY_DATABASE_URL", gateway_database_url)
    # The queue is bound first; then `client` seeds the database and starts the app and its relay.
    seeded = await receive(gateway_events, 11)

    assert (
        await asyncio.to_thread(main, ["org", "add-municipality", "0344", "Gemeente Utrecht"]) == 0
    )
    [renamed] = await receive(gateway_events, 1)

    registered = {envelope.data.get("code") for envelope in seeded}
    assert {"0363", "0599", "0534", "0553", "0575", "1525"} <= registered
    isd = next(e for e in seeded if e.event_type == "gateway.isd.registered")
    assert isd.data == {
        "isd_id": "isd-bollenstreek",
        "name": "ISD Bollenstreek",
        "members": ["0534", "0553", "0575", "1525"],
    }
    assert renamed.event_type == "gateway.municipality.registered"
    assert renamed.producer == "gateway"
    assert renamed.data == {"code": "0344", "name": "Gemeente Utrecht"}
    assert await gateway_events.get(fail=False) is None, "no event for what did not change"
