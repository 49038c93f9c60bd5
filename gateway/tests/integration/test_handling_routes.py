"""The public case-handling routes against the real cases service: refusals come through as
the service gives them, and the routes need a key. (What the gateway sends on for each route:
test_forwarding.py; the whole flow through the running system: tests/test_case_handling_api.py.)"""

from __future__ import annotations

import uuid

import httpx

from .conftest import MakeKey, bearer
from .services import Services


async def test_handling_routes_pass_refusals_on_and_need_a_key(
    client: httpx.AsyncClient, make_key: MakeKey, services: Services
) -> None:
    case = await services.open_case("0363")
    ready = await services.open_case("0363", status="advice_ready")
    handler = await make_key("0363")
    elsewhere = await make_key("0599", "beslisser")

    conflict = await client.post(
        f"/api/v1/cases/{case.id}/transitions",
        json={"to": "closed", "reason": "Klaar"},
        headers=bearer(handler),
    )
    forbidden = await client.post(
        f"/api/v1/cases/{ready.id}/transitions",
        json={"to": "decided_granted", "reason": "Past"},
        headers=bearer(handler),
    )
    held = await client.put(
        f"/api/v1/cases/{case.id}/hold",
        json={"reason": "Wacht op loonstrook", "until": None},
        headers=bearer(handler),
    )
    outside = await client.get(f"/api/v1/cases/{case.id}/history", headers=bearer(elsewhere))
    anonymous = await client.get(f"/api/v1/cases/{case.id}/history")
    invalid = await client.get("/api/v1/cases/not-a-uuid/history", headers=bearer(handler))
    history = await client.get(f"/api/v1/cases/{case.id}/history", headers=bearer(handler))

    assert conflict.status_code == 409
    assert "gesloten" in conflict.json()["detail"], conflict.json()
    assert forbidden.status_code == 403
    assert "beslisser" in forbidden.json()["detail"]
    assert held.status_code == 200
    assert held.json()["hold"]["reason"] == "Wacht op loonstrook"
    assert outside.status_code == 404
    assert anonymous.status_code == 401
    assert invalid.status_code == 422
    assert [entry["action"] for entry in history.json()] == ["opened", "put_on_hold"]


async def test_the_schema_documents_the_handling_routes(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    operation = schema["paths"]["/api/v1/cases/{case_id}/transitions"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    components = schema["components"]["schemas"]

    assert body == {"$ref": "#/components/schemas/TransitionRequest"}, "the service's own model"
    request = components["TransitionRequest"]
    assert set(request["properties"]) == {"to", "reason"}
    assert request["additionalProperties"] is False
    assert request["properties"]["to"] == {"$ref": "#/components/schemas/CaseStatus"}
    assert "decided_granted" in components["CaseStatus"]["enum"]
    assert "409" in operation["responses"]
    unprocessable = operation["responses"]["422"]["content"]["application/json"]["schema"]
    assert unprocessable == {"$ref": "#/components/schemas/Unprocessable"}
    shapes = components["Unprocessable"]["anyOf"]
    assert {"$ref": "#/components/schemas/ValidationProblems"} in shapes
    assert {"$ref": "#/components/schemas/Problem"} in shapes


async def test_a_body_the_service_would_refuse_is_refused_at_the_gateway_with_its_shape(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    key = await make_key("0363", "behandelaar")
    url = f"/api/v1/cases/{uuid.uuid4()}/transitions"

    unknown_status = await client.post(url, json={"to": "done", "reason": "x"}, headers=bearer(key))
    extra = await client.post(
        url, json={"to": "closed", "reason": "x", "by": "me"}, headers=bearer(key)
    )

    for answer in (unknown_status, extra):
        assert answer.status_code == 422
        detail = answer.json()["detail"]
        assert isinstance(detail, list), "validation errors are a list, as documented"
        assert {"loc", "msg", "type"} <= set(detail[0])
    assert extra.json()["detail"][0]["loc"] == ["body", "by"]
