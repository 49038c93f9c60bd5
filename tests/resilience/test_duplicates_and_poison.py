"""Every event delivered twice to every consumer, the website's messages twice, and a poison
message in each consumer's queue: duplicates change nothing, each poison is parked without
stopping its neighbours, and replaying the parked messages ends in the same state."""

from __future__ import annotations

import time
import uuid

import aio_pika
import httpx
import pytest

from demodata.system import LocalSystem
from servicekit.bus import EVENTS_EXCHANGE

from ..e2e_support import (
    PROCESSES,
    Readers,
    consumer_queues,
    discard_parked,
    eventually,
    metric_samples,
    parked,
    publish_as_website,
    replay_parked,
    time_to_recover,
)
from .support import Stream

pytestmark = pytest.mark.e2e

QUARANTINING = {"intake.website"}
"""The website's queue keeps a bad body in intake's quarantine instead of parking it (tested
with intake); every other queue carries our own events and parks what it cannot read."""


async def duplicates_dropped(system: LocalSystem, service: str) -> float:
    samples = await metric_samples(system, service, "bus_messages_handled_total")
    return sum(v for labels, v in samples.items() if 'outcome="duplicate"' in labels)


async def test_duplicate_deliveries_and_a_poison_message_per_consumer(
    system: LocalSystem, api: httpx.AsyncClient, readers: Readers
) -> None:
    stream = Stream(system, "0193", "Zwolle", seed=43, number_offset=7_300_000)
    await stream.open()
    connection = await aio_pika.connect_robust(system.amqp_url)
    async with connection:
        channel = await connection.channel(publisher_confirms=True)
        events = await channel.declare_exchange(
            EVENTS_EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True, passive=True
        )
        # A copy of every event published while the applications flow, to deliver again.
        tap = await channel.declare_queue(exclusive=True, auto_delete=True)
        await tap.bind(events, routing_key="#")
        bodies = stream.applications(40)
        await publish_as_website(system.amqp_url, bodies + bodies)  # the website's repeats
        await stream.reaches(api, len(bodies))
        dropped_before = {s: await duplicates_dropped(system, s) for s in PROCESSES}
        # Unbound first: the copies published below must not come back into the tap.
        await tap.unbind(events, routing_key="#")
        taken = []
        while (message := await tap.get(no_ack=True, fail=False)) is not None:
            taken.append(message)
        copies = 0
        for message in taken:
            await events.publish(
                aio_pika.Message(
                    message.body,
                    headers=dict(message.headers or {}),
                    content_type=message.content_type,
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    message_id=message.message_id,
                    type=message.type,
                    app_id=message.app_id,
                ),
                routing_key=message.routing_key or "",
            )
            copies += 1
        assert copies >= len(bodies)  # at least each application's received event

        poisoned: dict[str, int] = {}
        poison_ids: set[str] = set()
        for service in PROCESSES:
            queues = [q for q in await consumer_queues(system, service) if q not in QUARANTINING]
            for queue in queues:
                poison_ids.add(poison_id := str(uuid.uuid4()))
                await channel.default_exchange.publish(
                    aio_pika.Message(
                        b"{not json",
                        content_type="application/json",
                        message_id=poison_id,
                        delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                    ),
                    routing_key=queue,
                )
            poisoned[service] = len(queues)
    assert sum(poisoned.values()) >= len(PROCESSES)

    async def all_parked() -> bool:
        for service, count in poisoned.items():
            if await parked(system.amqp_url, service) < stream.parked_before[service] + count:
                return False
        return True

    await eventually(all_parked, seconds=60)

    async def repeats_dropped() -> bool:
        # Each application's ApplicationReceived reached cases again, and its inbox said no.
        dropped = await duplicates_dropped(system, "cases") - dropped_before["cases"]
        return dropped >= len(bodies)

    await eventually(repeats_dropped, seconds=60)
    await time_to_recover(system, time.monotonic())
    stream.parked_before = {s: stream.parked_before[s] + poisoned[s] for s in PROCESSES}
    await stream.assert_exactly_once(api, readers)

    # Replayed, each poison is parked again and nothing else changes: the same end state.
    for service in PROCESSES:
        assert await replay_parked(system.amqp_url, service, poison_ids) >= poisoned[service]

    async def parked_again() -> bool:
        for service in PROCESSES:
            if await parked(system.amqp_url, service) < stream.parked_before[service]:
                return False
        return True

    await eventually(parked_again, seconds=60)
    await stream.assert_exactly_once(api, readers)
    # The other e2e tests expect clean parking queues.
    for service in PROCESSES:
        await discard_parked(system.amqp_url, service, poison_ids)
