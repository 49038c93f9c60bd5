"""The public case-handling routes forward method, path, body and caller to the cases service."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

MakeKey = Callable[..., Awaitable[str]]
CASE_ID = "0f8e2a4c-9d6b-4c1e-8a53-2b7d9e4f1a60"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("POST", "transitions", {"to": "decided_granted", "reason": "Binnen de normen"}),
        ("PUT", "hold", {"reason": "Wacht op loonstroken", "until": "2026-12-15"}),
        ("DELETE", "hold", None),
        ("GET", "memos", None),
        ("POST", "memos", {"text": "Belde terug", "corrects": None}),
        ("PUT", "assignee", {"assignee": "me"}),
        ("GET", "history", None),
        ("GET", "handling", None),
    ],
)
async def test_handling_routes_are_forwarded_as_they_came(
    client: httpx.AsyncClient,
    make_key: MakeKey,
    method: str,
    suffix: str,
    body: dict[str, Any] | None,
) -> None:
    token = await make_key("0363", "beslisser")
    response = await client.request(
        method,
        f"/api/v1/cases/{CASE_ID}/{suffix}?reason=klaar",
        json=body,
        headers=bearer(token),
    )

    assert response.status_code == 200, response.text
    echoed = response.json()
    assert (echoed["method"], echoed["path"]) == (method, f"/cases/{CASE_ID}/{suffix}")
    assert echoed["query"] == [["reason", "klaar"]]
    assert echoed["principal"]["role"] == "beslisser"
    assert echoed["principal"]["municipalities"] == ["0363"]
    if body is None:
        assert echoed["body"] == ""
    else:
        assert json.loads(echoed["body"]) == body
        assert echoed["headers"]["content-type"] == "application/json"
    assert echoed["headers"]["authorization"] is None  # the API key never leaves the gateway


async def test_handling_routes_pass_refusals_on_and_need_a_key(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    token = await make_key("0363")
    refused = await client.post(
        f"/api/v1/cases/{CASE_ID}/transitions?echo_status=409",
        json={"to": "closed", "reason": "x"},
        headers=bearer(token),
    )
    assert refused.status_code == 409
    anonymous = await client.get(f"/api/v1/cases/{CASE_ID}/history")
    assert anonymous.status_code == 401
    invalid = await client.get("/api/v1/cases/not-a-uuid/history", headers=bearer(token))
    assert invalid.status_code == 422
    schema = (await client.get("/openapi.json")).json()
    operation = schema["paths"]["/api/v1/cases/{case_id}/transitions"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["properties"]) == {"to", "reason"}
    assert "409" in operation["responses"]
