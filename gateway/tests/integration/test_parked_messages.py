"""Parked messages through the gateway: an operator lists, replays and discards those of the real
cases service; every action is in the security log; other roles are refused."""

from __future__ import annotations

import uuid
from typing import Any

import aio_pika
import httpx
from sqlalchemy import select

from gateway.audit.models import SecurityAudit
from servicekit.bus import EVENTS_EXCHANGE, ORIGINAL_EXCHANGE_HEADER, ORIGINAL_ROUTING_KEY_HEADER
from servicekit.db import Database
from servicekit.runtime import ServiceRuntime
from servicekit.testing import eventually

from .conftest import MakeKey, bearer
from .services import Services

PARKED = "/api/v1/operations/parked"


async def park_poison(services: Services) -> tuple[str, str]:
    """A message the cases service cannot read lands in its parking queue; (queue, id)."""
    runtime: ServiceRuntime = services.cases.state.runtime
    queue = runtime.consumers[0].queue_name
    message_id = str(uuid.uuid4())
    await runtime.bus.send_to_queue(
        queue,
        aio_pika.Message(
            body=b"{not json: BSN 123456782",
            message_id=message_id,
            type="intake.application.received",
            headers={
                "version": 1,
                ORIGINAL_EXCHANGE_HEADER: EVENTS_EXCHANGE,
                ORIGINAL_ROUTING_KEY_HEADER: "intake.application.received",
            },
        ),
    )
    return queue, message_id


async def parked_with(
    client: httpx.AsyncClient, key: str, message_id: str, status: str = "parked"
) -> list[dict[str, Any]]:
    answer = await client.get(
        PARKED, params={"service": "cases", "status": status}, headers=bearer(key)
    )
    assert answer.status_code == 200, answer.text
    return [item for item in answer.json()["items"] if item["message_id"] == message_id]


async def audited(database: Database, action: str, parked_id: str) -> list[SecurityAudit]:
    async with database.sessions() as session:
        found = await session.scalars(
            select(SecurityAudit).where(
                SecurityAudit.action == action,
                SecurityAudit.object == f"parked:cases:{parked_id}",
            )
        )
        return list(found)


async def test_an_operator_lists_replays_and_discards_parked_messages_through_the_gateway(
    client: httpx.AsyncClient, make_key: MakeKey, services: Services, seeded: Database
) -> None:
    operator = await make_key("platform", "operator")
    queue, message_id = await park_poison(services)

    async def listed() -> bool:
        return len(await parked_with(client, operator, message_id)) == 1

    await eventually(listed, seconds=30)
    [item] = await parked_with(client, operator, message_id)
    assert item["queue"] == queue
    assert item["reason"].startswith("invalid event data")
    assert item["headers"]["version"] == 1
    assert "123456782" not in str(item)  # never the body

    replayed = await client.post(f"{PARKED}/cases/{item['id']}/replay", headers=bearer(operator))
    assert replayed.status_code == 200, replayed.text
    assert replayed.json()["status"] == "replayed"
    [record] = await audited(seeded, "parked.replay", item["id"])
    assert record.result == "success"
    assert record.organisation == "platform"

    # The service still cannot read it: parked again, once, as a new row.
    await eventually(listed, seconds=30)
    [again] = await parked_with(client, operator, message_id)
    assert again["id"] != item["id"]

    without_reason = await client.post(
        f"{PARKED}/cases/{again['id']}/discard", json={}, headers=bearer(operator)
    )
    assert without_reason.status_code == 422
    assert without_reason.json()["detail"].startswith("Geef een reden op")
    assert len(await parked_with(client, operator, message_id)) == 1  # nothing lost
    [refused] = await audited(seeded, "parked.discard", again["id"])
    assert refused.result == "failure: 422"

    discarded = await client.post(
        f"{PARKED}/cases/{again['id']}/discard",
        json={"reason": "testbericht zonder inhoud"},
        headers=bearer(operator),
    )
    assert discarded.status_code == 200, discarded.text
    assert await parked_with(client, operator, message_id) == []
    [kept] = await parked_with(client, operator, message_id, "discarded")
    assert kept["discard_reason"] == "testbericht zonder inhoud"
    assert [r.result for r in await audited(seeded, "parked.discard", again["id"])] == [
        "failure: 422",
        "success",
    ]


async def test_other_roles_may_not_see_or_touch_parked_messages(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    beheerder = await make_key("0363", "functioneel_beheerder")
    listed = await client.get(PARKED, params={"service": "cases"}, headers=bearer(beheerder))
    assert listed.status_code == 403
    assert "geparkeerde berichten" in listed.json()["detail"]
    replay = await client.post(f"{PARKED}/cases/replay-all", headers=bearer(beheerder))
    assert replay.status_code == 403
    unknown = await client.get(
        PARKED, params={"service": "elders"}, headers=bearer(await make_key("platform", "operator"))
    )
    assert unknown.status_code == 422
