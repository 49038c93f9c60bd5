"""The public API against a real migrated database, with a real HTTP peer as the services."""

from __future__ import annotations

import hashlib
import hmac
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from contracts.gezondverzekerd import example_bodies
from gateway import apikeys
from gateway.main import create_app
from gateway.settings import GatewaySettings
from servicekit.db import Database

MakeKey = Callable[..., Awaitable[str]]
CASE_ID = "0f8e2a4c-9d6b-4c1e-8a53-2b7d9e4f1a60"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def echoed(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def unused_url() -> str:
    """The URL of a port where nothing listens (a service that is down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer not-a-key"},
        {"Authorization": "Bearer bo_abcdefgh_" + "x" * 43},
    ],
    ids=["missing", "not-bearer", "malformed", "unknown"],
)
async def test_requests_without_a_valid_key_are_refused(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get("/api/v1/overview?municipality=0363", headers=headers)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_a_key_with_a_wrong_secret_is_refused(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    token = await make_key("0363")
    wrong = token[: -len("abcd")] + ("abcd" if not token.endswith("abcd") else "dcba")

    response = await client.get("/api/v1/overview?municipality=0363", headers=bearer(wrong))

    assert response.status_code == 401


async def test_a_revoked_key_is_refused_at_once(
    client: httpx.AsyncClient, make_key: MakeKey, seeded: Database
) -> None:
    token = await make_key("0363")
    assert (await client.get("/api/v1/cases", headers=bearer(token))).status_code == 200
    key_id, _ = apikeys.parse_key(token) or ("", "")
    async with seeded.transaction() as session:
        await apikeys.revoke_key(session, key_id=key_id)

    response = await client.get("/api/v1/cases", headers=bearer(token))

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"


async def test_use_of_a_key_is_recorded(
    client: httpx.AsyncClient, make_key: MakeKey, seeded: Database
) -> None:
    token = await make_key("0363")
    key_id, _ = apikeys.parse_key(token) or ("", "")

    await client.get("/api/v1/cases", headers=bearer(token))

    async with seeded.transaction() as session:
        key = await apikeys.repository.get_api_key(session, key_id)
    assert key is not None
    assert key.last_used_at is not None


async def test_a_municipality_key_gets_its_own_overview(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    token = await make_key("0363", "raadpleger")

    seen = echoed(
        await client.get(
            "/api/v1/overview?municipality=0363",
            headers={**bearer(token), "X-Correlation-ID": "corr-123"},
        )
    )

    assert seen["method"] == "GET"
    assert seen["path"] == "/overview"
    assert seen["query"] == [["municipality", "0363"]]
    assert seen["headers"]["x-correlation-id"] == "corr-123"
    assert seen["headers"]["authorization"] is None, "the API key never reaches a service"
    principal = seen["principal"]
    assert principal["organisation"] == "0363"
    assert principal["municipalities"] == ["0363"]
    assert principal["all_municipalities"] is False
    assert principal["role"] == "raadpleger"
    assert principal["subject"].startswith("api-key:")
    assert token not in str(seen)


@pytest.mark.parametrize(
    "query",
    ["municipality=0599", "isd=isd-bollenstreek", "municipality=9999", "isd=isd-nowhere"],
)
async def test_a_municipality_key_cannot_see_other_organisations(
    client: httpx.AsyncClient, make_key: MakeKey, query: str
) -> None:
    token = await make_key("0363")

    response = await client.get(f"/api/v1/overview?{query}", headers=bearer(token))

    assert response.status_code == 404


async def test_an_isd_key_resolves_to_its_members(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    token = await make_key("isd-bollenstreek")

    seen = echoed(await client.get("/api/v1/overview?isd=isd-bollenstreek", headers=bearer(token)))

    members = ["0534", "0553", "0575", "1525"]
    assert seen["query"] == [["municipality", code] for code in members]
    assert seen["principal"]["organisation"] == "isd-bollenstreek"
    assert seen["principal"]["municipalities"] == members


async def test_an_isd_key_may_ask_for_one_member_but_not_another_municipality(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    token = await make_key("isd-bollenstreek")

    member = await client.get("/api/v1/overview?municipality=0553", headers=bearer(token))
    other = await client.get("/api/v1/overview?municipality=0363", headers=bearer(token))

    assert echoed(member)["query"] == [["municipality", "0553"]]
    assert other.status_code == 404


async def test_a_platform_key_sees_every_isd(client: httpx.AsyncClient, make_key: MakeKey) -> None:
    token = await make_key("platform", "operator")

    seen = echoed(await client.get("/api/v1/overview?isd=isd-bollenstreek", headers=bearer(token)))

    assert len(seen["query"]) == 4
    assert seen["principal"]["all_municipalities"] is True


@pytest.mark.parametrize(
    "query", ["", "?municipality=0363&isd=isd-bollenstreek", "?municipality=363"]
)
async def test_overview_needs_exactly_one_well_formed_scope(
    client: httpx.AsyncClient, make_key: MakeKey, query: str
) -> None:
    token = await make_key("0363")

    response = await client.get(f"/api/v1/overview{query}", headers=bearer(token))

    assert response.status_code == 422


async def test_cases_are_proxied_with_query_and_status(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    token = await make_key("isd-bollenstreek")

    listed = echoed(
        await client.get(
            "/api/v1/cases?municipality=0534&limit=20&cursor=abc&status=received",
            headers=bearer(token),
        )
    )
    one = echoed(await client.get(f"/api/v1/cases/{CASE_ID}", headers=bearer(token)))
    missing = await client.get(f"/api/v1/cases/{CASE_ID}?echo_status=404", headers=bearer(token))
    elsewhere = await client.get("/api/v1/cases?municipality=0363", headers=bearer(token))

    assert listed["path"] == "/cases"
    assert listed["query"] == [
        ["municipality", "0534"],
        ["limit", "20"],
        ["cursor", "abc"],
        ["status", "received"],
    ]
    assert one["path"] == f"/cases/{CASE_ID}"
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/json"
    assert elsewhere.status_code == 404


async def test_quarantine_is_for_managers_only(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    manager = await make_key("0363", "functioneel_beheerder")
    handler = await make_key("0363", "behandelaar")

    listed = echoed(await client.get("/api/v1/quarantine?limit=5", headers=bearer(manager)))
    reprocessed = echoed(
        await client.post("/api/v1/quarantine/q-17/reprocess", headers=bearer(manager))
    )
    refused = await client.get("/api/v1/quarantine", headers=bearer(handler))

    assert (listed["path"], listed["query"]) == ("/quarantine", [["limit", "5"]])
    assert (reprocessed["method"], reprocessed["path"]) == ("POST", "/quarantine/q-17/reprocess")
    assert refused.status_code == 403


async def test_website_applications_are_forwarded_byte_for_byte(
    client: httpx.AsyncClient,
) -> None:
    body = example_bodies()["single"]
    signature = "sha256=" + hmac.new(b"shared-secret", body, hashlib.sha256).hexdigest()

    seen = echoed(
        await client.post(
            "/api/v1/intake/applications",
            content=body,
            headers={"Content-Type": "application/json", "X-Signature": signature},
        )
    )

    assert (seen["method"], seen["path"]) == ("POST", "/applications")
    assert seen["body"].encode() == body
    assert seen["headers"]["x-signature"] == signature
    assert seen["headers"]["content-type"] == "application/json"
    assert seen["principal"] == {
        "subject": "gezondverzekerd-website",
        "organisation": "platform",
        "role": "operator",
        "municipalities": [],
        "all_municipalities": True,
        "purpose": "intake",
    }


async def test_an_oversized_application_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/v1/intake/applications",
        content=b"{" + b" " * (256 * 1024) + b"}",
        headers={"Content-Type": "application/json", "X-Signature": "sha256=00"},
    )

    assert response.status_code == 413


async def test_a_service_that_is_down_gives_a_clear_503(
    settings: GatewaySettings, make_key: MakeKey
) -> None:
    token = await make_key("0363")
    app = create_app(settings.model_copy(update={"cases_url": unused_url()}))
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client,
    ):
        response = await client.get("/api/v1/cases", headers=bearer(token))
        ready = await client.get("/health/ready")

    assert response.status_code == 503
    assert response.json() == {"detail": "De cases-service is niet bereikbaar; probeer het later"}
    assert ready.status_code == 200, "downstream reachability is reported, not required"
    assert ready.json()["info"] == {"downstream": {"cases": False, "intake": True}}


async def test_a_slow_service_times_out(client: httpx.AsyncClient, make_key: MakeKey) -> None:
    token = await make_key("0363")

    response = await client.get("/api/v1/cases?slow=3", headers=bearer(token))

    assert response.status_code == 504


async def test_health_and_openapi(client: httpx.AsyncClient) -> None:
    live = await client.get("/health/live")
    ready = await client.get("/health/ready")
    schema = (await client.get("/openapi.json")).json()

    assert live.status_code == 200
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] is True
    assert ready.json()["info"]["downstream"] == {"cases": True, "intake": True}
    assert schema["info"]["title"] == "Gemeentepolis backoffice API"
    public = {path: ops for path, ops in schema["paths"].items() if path.startswith("/api/v1")}
    assert len(public) == 18  # 9, 6 of case handling, 3 of reporting
    assert all(op.get("summary") for ops in public.values() for op in ops.values())
