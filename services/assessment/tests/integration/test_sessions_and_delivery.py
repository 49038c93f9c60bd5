"""From a case opening to its advice: the session started at Ockto (the simulator), the signed
delivery accepted, the package sealed, the advice given; replays and races have one effect."""

from __future__ import annotations

import asyncio
import json
import time

from sqlalchemy import text

from servicekit.testing import eventually

from .conftest import Assessment
from .support import (
    count,
    delivery_body,
    events,
    invited_session,
    open_case,
    post_delivery,
    register,
    signed,
    staff,
    view,
)

READER = staff("behandelaar")


async def test_a_case_opened_in_a_vooraf_municipality_gets_a_session_then_its_advice(
    assessment: Assessment,
) -> None:
    await register(assessment, "0363", "Amsterdam")
    case_id, home = await open_case(assessment)
    session_id = await invited_session(assessment, case_id)

    started = await events(assessment, "assessment.data_session.started")
    assert [e["data"]["session_id"] for e in started] == [session_id]
    assert started[0]["data"]["url"].endswith(f"/sessie/{session_id}")
    assert started[0]["data"]["trigger"] == "automatic"
    hinted = assessment.simulator.state.sessions[session_id]
    assert [p.bsn for p in hinted.persons] == [home.applicant.bsn]

    response = await post_delivery(assessment, delivery_body(session_id, home))
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "accepted"

    seen = await view(assessment, case_id, READER)
    assert seen["sessions"][0]["state"] == "delivered"
    assert seen["advice"]["advice"] == "grant"
    assert seen["advice"]["label"] == "Toekennen"
    assert seen["advice"]["figures"]["income"]["total"] == "1352.16"
    assert seen["advice"]["figures"]["income"]["limit"] == "1681.80"
    assert seen["advice"]["explanation"][0] == (
        "Uw netto-inkomen van € 1.352,16 per maand is niet hoger dan de inkomensgrens van "
        "€ 1.681,80 (120% van de bijstandsnorm voor een alleenstaande)."
    )
    assert seen["advice"]["parameter_version_id"] == seen["parameter_version_id"]
    assert seen["data"][0]["origin"] == "ockto"
    assert seen["data"][0]["period_first"] <= seen["data"][0]["period_last"]
    assert [e["data"]["advice"] for e in await events(assessment, "assessment.advice.given")] == [
        "grant"
    ]
    assert len(await events(assessment, "assessment.data.delivered")) == 1
    async with assessment.database.sessions() as session:
        sealed = await session.scalar(text("SELECT ciphertext FROM data_packages"))
    assert home.applicant.bsn.encode() not in sealed
    assert b"net_amount" not in sealed


async def test_a_replay_answers_200_again_with_one_effect_and_a_changed_body_is_refused(
    assessment: Assessment,
) -> None:
    await register(assessment, "0363")
    case_id, home = await open_case(assessment)
    session_id = await invited_session(assessment, case_id)
    body = delivery_body(session_id, home)

    first = await post_delivery(assessment, body)
    again = await post_delivery(assessment, body)
    changed = await post_delivery(assessment, {**body, "partner_detected": True})

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["status"] == "duplicate"
    assert changed.status_code == 409
    assert changed.json()["reason_code"] == "replay_conflict"
    assert await count(assessment, "deliveries") == 1
    assert await count(assessment, "data_packages") == 1
    assert len(await events(assessment, "assessment.advice.given")) == 1
    assert await count(assessment, "refused_deliveries", reason_code="replay_conflict") == 1


async def test_the_same_delivery_twice_at_once_has_one_effect(assessment: Assessment) -> None:
    await register(assessment, "0363")
    case_id, home = await open_case(assessment)
    session_id = await invited_session(assessment, case_id)
    raw = json.dumps(delivery_body(session_id, home)).encode()

    answers = await asyncio.gather(*(post_delivery(assessment, raw) for _ in range(4)))

    assert sorted(a.status_code for a in answers) == [200, 200, 200, 200]
    assert sorted(a.json()["status"] for a in answers) == [
        "accepted",
        "duplicate",
        "duplicate",
        "duplicate",
    ]
    assert await count(assessment, "deliveries") == 1
    assert len(await events(assessment, "assessment.data.delivered")) == 1


async def test_a_session_started_by_hand_replaces_the_open_one_and_has_a_qr_code(
    assessment: Assessment,
) -> None:
    await register(assessment, "0363")
    case_id, _ = await open_case(assessment)
    first = await invited_session(assessment, case_id)

    response = await assessment.client.post(
        f"/cases/{case_id}/data-sessions", headers=assessment.headers(READER)
    )
    assert response.status_code == 201, response.text
    started = response.json()
    assert set(started) == {"session_id", "url", "expires_at", "qr_svg"}
    assert started["session_id"] != first
    qr = await assessment.client.get(started["qr_svg"], headers=assessment.headers(READER))
    assert qr.status_code == 200
    assert qr.headers["content-type"] == "image/svg+xml"
    assert qr.text.startswith("<svg")
    states = {
        s["session_id"]: s["state"] for s in (await view(assessment, case_id, READER))["sessions"]
    }
    assert states == {first: "cancelled", started["session_id"]: "invited"}
    assert [
        e["data"]["trigger"] for e in await events(assessment, "assessment.data_session.started")
    ] == [
        "automatic",
        "manual",
    ]
    raadpleger = await assessment.client.post(
        f"/cases/{case_id}/data-sessions", headers=assessment.headers(staff("raadpleger"))
    )
    other = await assessment.client.post(
        f"/cases/{case_id}/data-sessions", headers=assessment.headers(staff("behandelaar", "0599"))
    )
    assert (raadpleger.status_code, other.status_code) == (403, 404)


async def test_sessions_expire_when_the_clock_passes_their_term(assessment: Assessment) -> None:
    await register(assessment, "0363")
    case_id, home = await open_case(assessment)
    session_id = await invited_session(assessment, case_id)

    assessment.clock_advance(31 * 86400)

    async def expired() -> bool:
        return len(await events(assessment, "assessment.data_session.expired")) == 1

    await eventually(expired)
    raw = json.dumps(delivery_body(session_id, home)).encode()
    late = await post_delivery(assessment, raw, signed(raw, at=time.time() + 31 * 86400))
    assert late.status_code == 409
    assert late.json()["reason_code"] == "session_expired"
    assert (await view(assessment, case_id, READER))["sessions"][0]["state"] == "expired"
