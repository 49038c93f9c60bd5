"""The assessment routes of the public API, against the recording peer: Ockto's callback needs
no API key and goes on byte for byte with its signature as the system principal `ockto`; the
other routes need a key and pass the caller's principal on; oversized bodies stop here."""

from __future__ import annotations

import uuid

import httpx

from .conftest import MakeKey, bearer


async def test_the_ockto_callback_is_passed_on_byte_for_byte_without_an_api_key(
    recording_client: httpx.AsyncClient,
) -> None:
    body = b'{"delivery_id":  "x", "odd spacing":true }'
    response = await recording_client.post(
        "/api/v1/ockto/deliveries",
        content=body,
        headers={"Content-Type": "application/json", "X-Ockto-Signature": "t=1,v1=ab"},
    )
    echoed = response.json()
    assert response.status_code == 200
    assert echoed["path"] == "/ockto/deliveries"
    assert echoed["body"] == body.decode()
    assert echoed["headers"]["x-ockto-signature"] == "t=1,v1=ab"
    assert echoed["headers"]["content-type"] == "application/json"
    assert echoed["principal"]["subject"] == "ockto"
    assert echoed["principal"]["role"] == "system"


async def test_assessment_routes_need_a_key_and_carry_the_callers_principal(
    recording_client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    case_id = uuid.uuid4()
    anonymous = await recording_client.get(f"/api/v1/cases/{case_id}/assessment")
    token = await make_key("0363", "beslisser")
    decided = await recording_client.post(
        f"/api/v1/cases/{case_id}/decision",
        json={"outcome": "granted", "reasons": [], "motivation": None},
        headers=bearer(token),
    )
    parameters = await recording_client.get(
        "/api/v1/municipalities/0363/parameters", params={"on": "2026-05-01"}, headers=bearer(token)
    )
    assert anonymous.status_code == 401
    assert decided.json()["path"] == f"/cases/{case_id}/decision"
    assert decided.json()["principal"]["municipalities"] == ["0363"]
    assert decided.json()["principal"]["role"] == "beslisser"
    assert parameters.json()["query"] == [["on", "2026-05-01"]]


async def test_a_callback_body_above_the_gateways_cut_off_is_refused_here(
    recording_client: httpx.AsyncClient,
) -> None:
    response = await recording_client.post(
        "/api/v1/ockto/deliveries",
        content=b"x" * (64 * 1024 * 1024 + 1),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 413
