"""Bodies built to break the parser or the database are quarantined with a specific reason,
over HTTP and over AMQP alike, and stay readable for staff; an oversized AMQP message is kept
by its hash and size with an excerpt."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from contracts.gezondverzekerd import example_bodies
from intake.models import QuarantinedMessage
from servicekit.auth import system_principal
from servicekit.testing import eventually

from .conftest import OPERATOR, Intake
from .test_website_intake import (
    _is,
    publish,
    publish_raw,
    quarantine,
    register,
    revisions,
    sign,
    website_queue_depth,
)

COUPLE = example_bodies()["couple-with-children"]


def _with_newline() -> bytes:
    document: dict[str, Any] = json.loads(COUPLE)
    document["application"]["application_number"] = "GV-2026-8136324\n"
    return json.dumps(document).encode()


# (body, reason code, the reason or its start); none of them as much as names a value.
HOSTILE = {
    "nested 100,000 deep": (
        b"[" * 100_000 + b"]" * 100_000,
        "too_deeply_nested",
        "the message is nested more than 32 levels deep",
    ),
    "integer of 5,000 digits": (
        COUPLE.replace(b'"house_number": 263', b'"house_number": ' + b"7" * 5000),
        "number_too_long",
        "a number has more than 100 digits",
    ),
    "NUL in a name": (
        COUPLE.replace(b'"Vries"', b'"Vr\\u0000ies"'),
        "forbidden_character",
        "application.applicant.last_name: contains a NUL character or an unpaired surrogate",
    ),
    "lone surrogate in a name": (
        COUPLE.replace(b'"Vries"', b'"Vr\\ud800ies"'),
        "forbidden_character",
        "application.applicant.last_name: contains a NUL character or an unpaired surrogate",
    ),
    "application number with a trailing newline": (
        _with_newline(),
        "schema_violation",
        "schema violation: application.application_number: does not match the pattern",
    ),
    "municipality_code twice": (
        COUPLE.replace(
            b'"municipality_code": "0363"',
            b'"municipality_code": "0363", "municipality_code": "0599"',
        ),
        "duplicate_key",
        'duplicate key "municipality_code": a key may appear once in an object',
    ),
}


async def parked(intake: Intake) -> int:
    channel = await intake.bus.connection.channel()
    queue = await channel.declare_queue("intake.parking", passive=True)
    await channel.close()
    return int(queue.declaration_result.message_count or 0)


async def test_hostile_bodies_over_amqp_are_quarantined_not_parked(intake: Intake) -> None:
    await register(intake, "0363", "0599")
    for name, (body, _, _) in HOSTILE.items():
        await publish_raw(intake, body, message_id=name)

    async def all_quarantined() -> bool:
        return len(await quarantine(intake)) == len(HOSTILE)

    await eventually(all_quarantined)
    await eventually(lambda: _is(website_queue_depth(intake), 0))
    items = {item["message_id"]: item for item in await quarantine(intake)}
    for name, (_, code, reason) in HOSTILE.items():
        assert items[name]["reason_code"] == code, name
        assert items[name]["reason"].startswith(reason), (name, items[name]["reason"])
        detail = await intake.client.get(
            f"/quarantine/{items[name]['id']}", headers=intake.headers(OPERATOR)
        )
        assert detail.status_code == 200, (name, detail.text)
    assert await parked(intake) == 0
    assert await revisions(intake) == 0


@pytest.mark.parametrize("name", list(HOSTILE))
async def test_hostile_bodies_over_http_are_answered_422(intake: Intake, name: str) -> None:
    await register(intake, "0363", "0599")
    body, code, reason = HOSTILE[name]
    headers = intake.headers(system_principal("gateway", purpose="intake")) | {
        "Content-Type": "application/json",
        "X-Signature": sign(body),
    }
    response = await intake.client.post("/applications", content=body, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["reason_code"] == code
    assert response.json()["reason"].startswith(reason)
    [item] = await quarantine(intake)
    assert item["reason_code"] == code
    assert await revisions(intake) == 0


@pytest.mark.parametrize("intake_overrides", [{"max_body_bytes": 8 * 1024}], indirect=True)
async def test_an_oversized_amqp_message_is_kept_by_hash_and_size(intake: Intake) -> None:
    await register(intake, "0363")
    document: dict[str, Any] = json.loads(COUPLE)
    document["application"]["insurer"] = "Zilveren Kruis" + " " * 20_000
    body = json.dumps(document).encode()
    await publish_raw(intake, body, message_id="large")
    await publish(intake, json.loads(COUPLE))  # under the limit: accepted as ever

    async def settled() -> bool:
        return len(await quarantine(intake)) == 1 and await revisions(intake) == 1

    await eventually(settled)
    [item] = await quarantine(intake)
    assert (item["message_id"], item["reason_code"]) == ("large", "too_large")
    assert item["reason"] == (
        f"message of {len(body)} bytes exceeds the limit of 8192 bytes; "
        "only its first 4096 bytes are kept"
    )
    async with intake.database.sessions() as session:
        stored = await session.scalar(
            select(QuarantinedMessage).where(QuarantinedMessage.id == uuid.UUID(item["id"]))
        )
    assert stored is not None
    assert stored.body_sha256 == hashlib.sha256(body).hexdigest()
    assert stored.raw_body == body[:4096]
    headers = intake.headers(OPERATOR)
    detail = await intake.client.get(f"/quarantine/{item['id']}", headers=headers)
    assert detail.status_code == 200
    again = await intake.client.post(f"/quarantine/{item['id']}/reprocess", headers=headers)
    assert again.json() == {
        "outcome": "quarantined",
        "reason_code": "too_large",
        "reason": item["reason"],
    }
    assert await parked(intake) == 0
