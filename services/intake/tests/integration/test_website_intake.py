"""The website's messages on the real broker: accepted once, corrections kept, bad ones quarantined."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Awaitable
from typing import Any

import aio_pika
from sqlalchemy import func, select, text

from contracts.base import Envelope
from contracts.gezondverzekerd import EXCHANGE, ROUTING_KEY, example_bodies
from contracts.organisations import MunicipalityRegistered
from intake.models import ApplicationRevision, KnownMunicipality
from servicekit.auth import Principal, system_principal
from servicekit.tables import outbox
from servicekit.testing import eventually

from .conftest import OPERATOR, Intake


async def register(intake: Intake, *codes: str) -> None:
    for code in codes:
        event = MunicipalityRegistered(code=code, name=f"Gemeente {code}")
        await intake.bus.publish_envelope(
            event.routing_key(), Envelope.wrap(event, correlation_id="t")
        )

    async def known() -> bool:
        async with intake.database.sessions() as session:
            count = await session.scalar(
                select(func.count()).where(KnownMunicipality.code.in_(codes))
            )
            return count == len(codes)

    await eventually(known)


async def publish_raw(intake: Intake, body: bytes, message_id: str | None = None) -> None:
    channel = await intake.bus.connection.channel(publisher_confirms=True)
    exchange = await channel.declare_exchange(EXCHANGE, aio_pika.ExchangeType.TOPIC, durable=True)
    await exchange.publish(
        aio_pika.Message(
            body,
            content_type="application/json",
            delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
            message_id=message_id,
        ),
        routing_key=ROUTING_KEY,
    )
    await channel.close()


def example(name: str, **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(example_bodies()[name])
    document.update(changes)
    return document


async def publish(intake: Intake, document: dict[str, Any]) -> None:
    await publish_raw(intake, json.dumps(document).encode(), message_id=document.get("event_id"))


async def outbox_events(intake: Intake) -> list[dict[str, Any]]:
    async with intake.database.sessions() as session:
        rows = await session.execute(select(outbox.c.envelope).order_by(outbox.c.id))
        return [row.envelope for row in rows if row.envelope["producer"] == "intake"]


async def revisions(intake: Intake) -> int:
    async with intake.database.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(ApplicationRevision)) or 0)


async def website_queue_depth(intake: Intake) -> int:
    channel = await intake.bus.connection.channel()
    queue = await channel.declare_queue("intake.website", passive=True)
    await channel.close()
    return int(queue.declaration_result.message_count or 0)


async def quarantine(intake: Intake, principal: Principal = OPERATOR) -> list[dict[str, Any]]:
    response = await intake.client.get("/quarantine", headers=intake.headers(principal))
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def test_examples_accepted_once_and_announced(intake: Intake) -> None:
    await register(intake, "0363", "0599")
    for name in ("couple-with-children", "single"):
        await publish(intake, example(name))
    await publish(intake, example("single"))  # the website retries on a timeout

    async def both_announced() -> bool:
        return len(await outbox_events(intake)) == 2

    await eventually(both_announced)
    await eventually(lambda: _is(website_queue_depth(intake), 0))
    events = await outbox_events(intake)
    assert {e["event_type"] for e in events} == {"intake.application.received"}
    couple = next(e for e in events if e["data"]["municipality_code"] == "0363")
    assert couple["data"]["household"]["partner"]["last_name"] == "El Amrani"
    assert len(couple["data"]["household"]["children"]) == 2
    assert await revisions(intake) == 2
    assert await quarantine(intake) == []


async def test_correction_is_kept_as_a_new_revision(intake: Intake) -> None:
    await register(intake, "0599")
    original = example("single")
    await publish(intake, original)
    correction = example("single", event_id=str(uuid.uuid4()))
    correction["application"]["children"] = [
        {"bsn": "312966210", "first_name": "Noor", "date_of_birth": "2012-06-30"}
    ]
    await publish(intake, correction)

    async def two_events() -> bool:
        return len(await outbox_events(intake)) == 2

    await eventually(two_events)
    first, second = await outbox_events(intake)
    assert first["event_type"] == "intake.application.received"
    assert second["event_type"] == "intake.application.corrected"
    assert second["data"]["revision"] == 2
    assert len(second["data"]["household"]["children"]) == 1


async def test_bad_messages_are_quarantined_with_specific_reasons(intake: Intake) -> None:
    await register(intake, "0363")
    await publish_raw(intake, b'{"event_id": "broken', message_id="m-1")
    await publish(
        intake, example("couple-with-children", schema_version=2, event_id=str(uuid.uuid4()))
    )
    bad_bsn = example("couple-with-children", event_id=str(uuid.uuid4()))
    bad_bsn["application"]["partner"]["bsn"] = "123456789"
    await publish(intake, bad_bsn)
    await publish(intake, example("single"))  # 0599 is not a customer

    async def four_quarantined() -> bool:
        return len(await quarantine(intake)) == 4

    await eventually(four_quarantined)
    reasons = {item["reason_code"]: item for item in await quarantine(intake)}
    assert reasons["malformed_json"]["reason"].startswith("malformed JSON: Unterminated string")
    assert reasons["malformed_json"]["message_id"] == "m-1"
    assert reasons["unsupported_schema_version"]["reason"] == (
        "unsupported schema_version 2: only version 1 is accepted"
    )
    assert reasons["invalid_bsn"]["reason"] == "BSN of the partner fails the eleven-test"
    assert reasons["unknown_municipality"]["reason"] == (
        "municipality 0599 is not a customer of this backoffice"
    )
    assert await website_queue_depth(intake) == 0
    assert await outbox_events(intake) == []

    # A beheerder of 0363 sees only what names 0363; the unparseable one only the operator sees.
    beheerder = Principal(
        subject="fb-1", organisation="0363", role="functioneel_beheerder", municipalities=("0363",)
    )
    assert {i["reason_code"] for i in await quarantine(intake, beheerder)} == {
        "unsupported_schema_version",
        "invalid_bsn",
    }
    detail = await intake.client.get(
        f"/quarantine/{reasons['malformed_json']['id']}", headers=intake.headers(beheerder)
    )
    assert detail.status_code == 404
    behandelaar = Principal(
        subject="b", organisation="0363", role="behandelaar", municipalities=("0363",)
    )
    forbidden = await intake.client.get("/quarantine", headers=intake.headers(behandelaar))
    assert forbidden.status_code == 403
    assert (await intake.client.get("/quarantine")).status_code == 401


async def test_reprocess_after_the_municipality_joined(intake: Intake) -> None:
    await publish(intake, example("single"))

    async def quarantined() -> bool:
        return len(await quarantine(intake)) == 1

    await eventually(quarantined)
    [item] = await quarantine(intake)
    path = f"/quarantine/{item['id']}/reprocess"
    still = await intake.client.post(path, headers=intake.headers(OPERATOR))
    assert still.json()["outcome"] == "quarantined"
    await register(intake, "0599")
    accepted = await intake.client.post(path, headers=intake.headers(OPERATOR))
    assert accepted.json() == {"outcome": "accepted", "application_number": "GV-2026-0001235"}
    again = await intake.client.post(path, headers=intake.headers(OPERATOR))
    assert again.status_code == 409
    [resolved] = await quarantine(intake)
    assert (resolved["status"], resolved["attempts"], resolved["resolved_by"]) == (
        "reprocessed",
        2,
        "op-1",
    )
    assert len(await outbox_events(intake)) == 1


def sign(body: bytes, secret: str = "website-secret-for-tests") -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


async def test_signed_http_intake(intake: Intake) -> None:
    await register(intake, "0363")
    body = example_bodies()["couple-with-children"]
    gateway = system_principal("gateway", purpose="intake")
    headers = intake.headers(gateway) | {"Content-Type": "application/json"}
    operator = await intake.client.post(
        "/applications",
        content=body,
        headers=intake.headers(OPERATOR) | {"X-Signature": sign(body)},
    )
    assert operator.status_code == 403, "only the gateway (role system) hands on applications"
    unsigned = await intake.client.post("/applications", content=body, headers=headers)
    assert unsigned.status_code == 401
    wrong = await intake.client.post(
        "/applications",
        content=body,
        headers=headers | {"X-Signature": sign(body, "other-secret-xx")},
    )
    assert wrong.status_code == 401
    accepted = await intake.client.post(
        "/applications", content=body, headers=headers | {"X-Signature": sign(body)}
    )
    assert accepted.status_code == 202
    assert accepted.json() == {
        "outcome": "accepted",
        "application_number": "GV-2026-0001234",
        "revision": 1,
    }
    duplicate = await intake.client.post(
        "/applications", content=body, headers=headers | {"X-Signature": sign(body)}
    )
    assert duplicate.json()["outcome"] == "duplicate"
    garbage = b"not json at all"
    rejected = await intake.client.post(
        "/applications", content=garbage, headers=headers | {"X-Signature": sign(garbage)}
    )
    assert rejected.status_code == 422
    assert rejected.json()["reason_code"] == "malformed_json"
    assert [i["channel"] for i in await quarantine(intake)] == ["http"]


async def _is(value: Awaitable[int], expected: int) -> bool:
    return await value == expected


async def test_quarantine_keeps_working_under_generic_plans(intake: Intake) -> None:
    """The live defect: from the sixth execution PostgreSQL plans a prepared statement
    generically, and an upsert naming its partial index through a bound parameter no longer
    matched it (500s after five rejections). The suite forces generic plans from the first."""
    async with intake.database.transaction() as session:
        mode = (await session.execute(text("SHOW plan_cache_mode"))).scalar_one()
    assert mode == "force_generic_plan", "the suite's connections must plan generically"
    gateway = system_principal("gateway", purpose="intake")
    headers = intake.headers(gateway) | {"Content-Type": "application/json"}
    for n in range(12):
        document = example("single", event_id=str(uuid.uuid4()))
        document["application"]["municipality_code"] = "9999"
        document["application"]["application_number"] = f"GV-2026-{9_100_000 + n:07d}"
        body = json.dumps(document).encode()
        rejected = await intake.client.post(
            "/applications", content=body, headers=headers | {"X-Signature": sign(body)}
        )
        assert rejected.status_code == 422, (n, rejected.text)
        assert rejected.json()["reason_code"] == "unknown_municipality"
    # The same body again is counted on the open entry, not stored twice.
    again = await intake.client.post(
        "/applications", content=body, headers=headers | {"X-Signature": sign(body)}
    )
    assert again.status_code == 422
    items = await quarantine(intake)
    assert len(items) == 12
    assert sorted(item["times_received"] for item in items) == [1] * 11 + [2]
