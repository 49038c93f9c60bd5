"""What operators do with parked messages, against real PostgreSQL and RabbitMQ: list them
with reason and headers, replay (handled once; parked again, once, while still refused),
discard only with a reason."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aio_pika
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text

from contracts.base import Envelope
from contracts.organisations import MunicipalityRegistered
from contracts.vocabulary import Role
from servicekit.auth import TOKEN_HEADER, Principal, issue_token
from servicekit.bus import DEAD_LETTER_EXCHANGE, parking_queue_name
from servicekit.consumer import HandlerContext
from servicekit.db import Database
from servicekit.http import create_service_app
from servicekit.runtime import ServiceRuntime
from servicekit.settings import ServiceSettings
from servicekit.tables import MESSAGING_METADATA
from servicekit.testing import eventually

SECRET = "parking-test-secret-0123456789abcdef"
ROUTING_KEY = MunicipalityRegistered.event_type


def _token(role: Role) -> dict[str, str]:
    principal = Principal(
        subject=f"test:{role.value}", organisation="platform", role=role, all_municipalities=True
    )
    return {TOKEN_HEADER: issue_token(principal, secret=SECRET)}


def operator() -> dict[str, str]:
    return _token(Role.OPERATOR)


class Handler:
    """The consumer's handler; `refusal` set means it refuses every event with that text."""

    def __init__(self) -> None:
        self.refusal: str | None = "downstream rule exploded"

    async def __call__(self, context: HandlerContext, event: MunicipalityRegistered) -> None:
        if self.refusal is not None:
            raise RuntimeError(self.refusal)
        await context.session.execute(
            text("INSERT INTO effects (code) VALUES (:c)"), {"c": event.code}
        )


@pytest.fixture
async def database_url(scratch_database_url: str) -> str:
    setup = Database(scratch_database_url)
    async with setup.engine.begin() as connection:
        await connection.run_sync(MESSAGING_METADATA.create_all)
        await connection.execute(text("CREATE TABLE effects (code text NOT NULL)"))
    await setup.dispose()
    return scratch_database_url


@asynccontextmanager
async def running_service(
    database_url: str, amqp_url: str, handler: Handler
) -> AsyncIterator[tuple[ServiceRuntime, httpx.AsyncClient]]:
    settings = ServiceSettings(
        service_name=f"park{uuid.uuid4().hex[:8]}",
        database_url=database_url,
        amqp_url=amqp_url,
        consumer_max_attempts=2,
    )
    runtime = ServiceRuntime(settings)
    runtime.consumer("registrations").on(MunicipalityRegistered, handler)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield

    app = create_service_app(title="t", description="d", lifespan=lifespan)
    app.state.runtime = runtime
    app.state.internal_token_secret = SECRET
    await runtime.start()
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as client:
            yield runtime, client
    finally:
        await runtime.stop()


@pytest.fixture
def handler() -> Handler:
    return Handler()


@pytest.fixture
async def service(
    database_url: str, amqp_url: str, handler: Handler
) -> AsyncIterator[tuple[ServiceRuntime, httpx.AsyncClient]]:
    async with running_service(database_url, amqp_url, handler) as running:
        yield running


async def publish(runtime: ServiceRuntime, code: str) -> Envelope:
    envelope = Envelope.wrap(
        MunicipalityRegistered(code=code, name="Geheimstad"), correlation_id="corr"
    )
    await runtime.bus.publish_envelope(ROUTING_KEY, envelope)
    return envelope


async def parked(client: httpx.AsyncClient, status: str = "parked") -> list[dict[str, Any]]:
    answer = await client.get("/parked", params={"status": status}, headers=operator())
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    assert answer.json()["total"] == len(items)
    return items


async def wait_parked(client: httpx.AsyncClient, count: int) -> list[dict[str, Any]]:
    async def enough() -> bool:
        return len(await parked(client)) >= count

    await eventually(enough, seconds=30)
    return await parked(client)


async def effects(runtime: ServiceRuntime, code: str) -> int:
    async with runtime.database.sessions() as session:
        found = await session.scalar(
            text("SELECT count(*) FROM effects WHERE code = :c"), {"c": code}
        )
    return int(found or 0)


async def queue_settled(runtime: ServiceRuntime) -> bool:
    channel = await runtime.bus.connection.channel()
    try:
        queue = await channel.declare_queue(
            runtime.consumers[0].queue_name, passive=True, robust=False
        )
        return queue.declaration_result.message_count == 0
    finally:
        await channel.close()


async def test_a_parked_message_is_listed_with_its_reason_and_headers_without_its_body(
    service: tuple[ServiceRuntime, httpx.AsyncClient],
) -> None:
    runtime, client = service
    envelope = await publish(runtime, "0666")
    [item] = await wait_parked(client, 1)
    assert item["queue"] == runtime.consumers[0].queue_name
    assert item["message_id"] == str(envelope.event_id)
    assert item["event_type"] == ROUTING_KEY
    assert item["reason"] == "RuntimeError: downstream rule exploded"
    assert item["status"] == "parked"
    assert item["headers"]["version"] == 1
    assert item["headers"]["x-parked-from-queue"] == runtime.consumers[0].queue_name
    assert "body" not in item
    assert "0666" not in str(item)  # the event's data stays out of the list
    assert "Geheimstad" not in str(item)
    # Listing again takes nothing away and adds nothing.
    assert [i["id"] for i in await parked(client)] == [item["id"]]


async def test_a_replay_after_the_fix_is_handled_once(
    service: tuple[ServiceRuntime, httpx.AsyncClient], handler: Handler
) -> None:
    runtime, client = service
    await publish(runtime, "0101")
    [item] = await wait_parked(client, 1)
    handler.refusal = None

    replayed = await client.post(f"/parked/{item['id']}/replay", headers=operator())
    assert replayed.status_code == 200, replayed.text
    assert replayed.json()["status"] == "replayed"
    assert replayed.json()["resolved_by"] == "test:operator"
    await eventually(lambda: _is(effects(runtime, "0101"), 1))
    # Replaying again publishes nothing; the consumer's inbox would absorb it anyway.
    again = await client.post(f"/parked/{item['id']}/replay", headers=operator())
    assert again.status_code == 200
    await eventually(lambda: queue_settled(runtime))
    assert await effects(runtime, "0101") == 1
    assert await parked(client) == []
    assert [i["id"] for i in await parked(client, "replayed")] == [item["id"]]


async def test_a_replay_still_refused_parks_again_once_with_the_new_reason(
    service: tuple[ServiceRuntime, httpx.AsyncClient], handler: Handler
) -> None:
    runtime, client = service
    envelope = await publish(runtime, "0202")
    [first] = await wait_parked(client, 1)
    handler.refusal = "still refused after the fix"

    assert (await client.post(f"/parked/{first['id']}/replay", headers=operator())).is_success
    [second] = await wait_parked(client, 1)
    assert second["id"] != first["id"]
    assert second["message_id"] == str(envelope.event_id)
    assert second["reason"] == "RuntimeError: still refused after the fix"
    # Parked once, not in a loop: the consumer's queue is empty and nothing else arrives.
    await eventually(lambda: queue_settled(runtime))
    assert [i["id"] for i in await parked(client)] == [second["id"]]
    assert await effects(runtime, "0202") == 0

    handler.refusal = None
    replay_all = await client.post("/parked/replay-all", headers=operator())
    assert replay_all.json() == {"replayed": 1}
    await eventually(lambda: _is(effects(runtime, "0202"), 1))


async def test_a_replay_the_broker_cannot_deliver_keeps_the_message_parked(
    service: tuple[ServiceRuntime, httpx.AsyncClient],
) -> None:
    runtime, client = service
    await publish(runtime, "0606")
    [item] = await wait_parked(client, 1)
    async with runtime.database.transaction() as session:
        await session.execute(text("UPDATE parked_messages SET queue = 'no.such.queue'"))

    refused = await client.post(f"/parked/{item['id']}/replay", headers=operator())
    assert refused.status_code == 409, refused.text
    assert "nam het bericht niet aan" in refused.json()["detail"]
    assert [i["id"] for i in await parked(client)] == [item["id"]]


async def test_replay_all_replays_every_parked_message(
    service: tuple[ServiceRuntime, httpx.AsyncClient], handler: Handler
) -> None:
    runtime, client = service
    await publish(runtime, "0301")
    await publish(runtime, "0302")
    await wait_parked(client, 2)
    handler.refusal = None
    answer = await client.post("/parked/replay-all", headers=operator())
    assert answer.json() == {"replayed": 2}
    await eventually(lambda: _is(effects(runtime, "0301"), 1))
    await eventually(lambda: _is(effects(runtime, "0302"), 1))
    assert (await client.post("/parked/replay-all", headers=operator())).json() == {"replayed": 0}


async def test_a_discard_needs_a_reason_and_keeps_the_message_with_it(
    service: tuple[ServiceRuntime, httpx.AsyncClient],
) -> None:
    runtime, client = service
    await publish(runtime, "0404")
    [item] = await wait_parked(client, 1)
    url = f"/parked/{item['id']}/discard"

    for body in (None, {}, {"reason": ""}, {"reason": "  "}):
        refused = await client.post(url, json=body, headers=operator())
        assert refused.status_code == 422, body
        assert refused.json()["detail"].startswith("Geef een reden op")
    assert [i["id"] for i in await parked(client)] == [item["id"]]  # nothing lost

    discarded = await client.post(url, json={"reason": "test-gemeente"}, headers=operator())
    assert discarded.status_code == 200, discarded.text
    assert discarded.json()["status"] == "discarded"
    assert await parked(client) == []
    [kept] = await parked(client, "discarded")
    assert kept["discard_reason"] == "test-gemeente"
    assert kept["resolved_by"] == "test:operator"
    refused_replay = await client.post(f"/parked/{item['id']}/replay", headers=operator())
    assert refused_replay.status_code == 409
    missing = await client.post(
        f"/parked/{uuid.uuid4()}/discard", json={"reason": "weg"}, headers=operator()
    )
    assert missing.status_code == 404


async def test_only_operators_manage_parked_messages(
    service: tuple[ServiceRuntime, httpx.AsyncClient],
) -> None:
    _, client = service
    for role in (Role.FUNCTIONEEL_BEHEERDER, Role.SYSTEM, Role.BEHANDELAAR):
        answer = await client.get("/parked", headers=_token(role))
        assert answer.status_code == 403
        assert "geparkeerde berichten" in answer.json()["detail"]
    assert (await client.get("/parked")).status_code == 401


async def test_a_message_taken_in_twice_is_listed_once(
    service: tuple[ServiceRuntime, httpx.AsyncClient],
) -> None:
    """A crash between the commit and the ack: the message comes back to the parking queue."""
    runtime, client = service
    await publish(runtime, "0505")
    [item] = await wait_parked(client, 1)
    async with runtime.database.sessions() as session:
        row = (await session.execute(text("SELECT * FROM parked_messages"))).mappings().one()
    channel = await runtime.bus.connection.channel()
    dead = await channel.get_exchange(DEAD_LETTER_EXCHANGE)
    await dead.publish(
        aio_pika.Message(
            body=row["body"],
            headers=dict(row["headers"]),
            message_id=row["message_id"],
            type=row["event_type"],
            correlation_id=row["correlation_id"],
            content_type=row["content_type"],
        ),
        routing_key=parking_queue_name(runtime.bus.service),
    )
    await channel.close()
    assert await runtime.parking.collect() == 1
    assert [i["id"] for i in await parked(client)] == [item["id"]]


async def _is(value: Any, expected: int) -> bool:
    return bool(await value == expected)
