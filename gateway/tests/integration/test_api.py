"""The public API: the real gateway and database in front of the real cases and intake services.

The services are shared by the package's tests: each test opens cases of its own and counts
what its own cases change.
"""

from __future__ import annotations

import json
import random
import socket
import time
import uuid

import httpx
import pytest
from asgi_lifespan import LifespanManager

from gateway import apikeys
from gateway.main import create_app
from gateway.settings import GatewaySettings
from servicekit.db import Database

from .conftest import MakeKey, bearer
from .services import UNREACHABLE, Services, post_as_website, website_body


async def totals(client: httpx.AsyncClient, token: str, **scope: str) -> tuple[int, int, int]:
    """The overview's total: applications, adults, persons."""
    response = await client.get("/api/v1/overview", params=scope, headers=bearer(token))
    assert response.status_code == 200, response.text
    total = response.json()["total"]
    return total["applications"], total["adults"], total["persons"]


def difference(after: tuple[int, ...], before: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(a - b for a, b in zip(after, before, strict=True))


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


async def test_a_municipality_key_gets_its_own_overview_and_the_service_knows_the_caller(
    client: httpx.AsyncClient, make_key: MakeKey, services: Services
) -> None:
    token = await make_key("0363", "raadpleger")
    key_id, _ = apikeys.parse_key(token) or ("", "")
    before = await totals(client, token, municipality="0363")
    case = await services.open_case("0363", partner=True, children=2)
    await services.open_case("0599")

    after = await totals(client, token, municipality="0363")
    viewed = await client.get(
        f"/api/v1/cases/{case.id}", headers={**bearer(token), "X-Correlation-ID": "corr-123"}
    )

    assert difference(after, before) == (1, 2, 4), "the couple with two children, nothing else"
    assert viewed.status_code == 200
    assert viewed.json()["household"]["partner"]["last_name"] == "Amrani"
    assert token not in viewed.text
    assert ("case.viewed", f"api-key:{key_id}", "0363", "raadpleger", "corr-123") in (
        await services.accesses(case.id)
    ), "who asked and the correlation id reach the cases service"


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


async def test_an_isd_key_counts_all_its_members(
    client: httpx.AsyncClient, make_key: MakeKey, services: Services
) -> None:
    token = await make_key("isd-bollenstreek")
    before = await totals(client, token, isd="isd-bollenstreek")
    await services.open_case("0534", children=1)
    await services.open_case("1525", partner=True, children=1)
    await services.open_case("0363")

    after = await totals(client, token, isd="isd-bollenstreek")

    assert difference(after, before) == (2, 3, 5), "Hillegom and Teylingen, not Amsterdam"


async def test_an_isd_key_may_ask_for_one_member_but_not_another_municipality(
    client: httpx.AsyncClient, make_key: MakeKey, services: Services
) -> None:
    token = await make_key("isd-bollenstreek")
    before = await totals(client, token, municipality="0553")
    await services.open_case("0553", children=0)
    await services.open_case("0534")

    after = await totals(client, token, municipality="0553")
    other = await client.get("/api/v1/overview?municipality=0363", headers=bearer(token))

    assert difference(after, before) == (1, 1, 1)
    assert other.status_code == 404


async def test_a_platform_key_sees_every_isd(client: httpx.AsyncClient, make_key: MakeKey) -> None:
    operator = await make_key("platform", "operator")
    isd = await make_key("isd-bollenstreek")

    seen = await totals(client, operator, isd="isd-bollenstreek")

    assert seen == await totals(client, isd, isd="isd-bollenstreek")


@pytest.mark.parametrize(
    "query", ["", "?municipality=0363&isd=isd-bollenstreek", "?municipality=363"]
)
async def test_overview_needs_exactly_one_well_formed_scope(
    client: httpx.AsyncClient, make_key: MakeKey, query: str
) -> None:
    token = await make_key("0363")

    response = await client.get(f"/api/v1/overview{query}", headers=bearer(token))

    assert response.status_code == 422


async def test_cases_are_listed_page_by_page_and_one_is_shown(
    client: httpx.AsyncClient, make_key: MakeKey, services: Services
) -> None:
    token = await make_key("isd-bollenstreek")
    name = "Bakker" + "".join(random.choices("bcdfghjklmnpqrstvwxz", k=6))
    first = await services.open_case("0534", last_name=name)
    second = await services.open_case("0534", last_name=name)
    await services.open_case("0534", last_name=name, status="awaiting_data")
    query = {"municipality": "0534", "q": name, "status": "received", "limit": "1"}

    page = await client.get("/api/v1/cases", params=query, headers=bearer(token))
    cursor = page.json()["next_cursor"]
    rest = await client.get(
        "/api/v1/cases", params=query | {"cursor": cursor}, headers=bearer(token)
    )
    one = await client.get(f"/api/v1/cases/{first.id}", headers=bearer(token))
    missing = await client.get(f"/api/v1/cases/{uuid.uuid4()}", headers=bearer(token))
    elsewhere = await client.get("/api/v1/cases?municipality=0363", headers=bearer(token))

    numbers = [
        page.json()["items"][0]["application_number"],
        rest.json()["items"][0]["application_number"],
    ]
    assert sorted(numbers) == sorted([first.application_number, second.application_number])
    assert rest.json()["next_cursor"] is None, "the case awaiting data is not received"
    assert set(page.json()["items"][0]) >= {
        "id",
        "application_number",
        "kind",
        "status",
        "municipality_code",
        "adults",
        "persons",
        "submitted_at",
    }, "the stable public shape (later fields only added)"
    assert one.json()["household"]["applicant"]["last_name"] == name
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/json"
    assert elsewhere.status_code == 404


async def test_quarantine_is_for_managers_of_the_municipality_it_names(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    manager = await make_key("0363", "functioneel_beheerder")
    other_manager = await make_key("0599", "functioneel_beheerder")
    handler = await make_key("0363", "behandelaar")
    bad = website_body("0363").replace(b'"schema_version": 1', b'"schema_version": 2')

    received = await post_as_website(client, bad)
    quarantine_id = received.json()["quarantine_id"]
    listed = await client.get("/api/v1/quarantine?limit=200", headers=bearer(manager))
    elsewhere = await client.get("/api/v1/quarantine?limit=200", headers=bearer(other_manager))
    reprocessed = await client.post(
        f"/api/v1/quarantine/{quarantine_id}/reprocess", headers=bearer(manager)
    )
    refused = await client.get("/api/v1/quarantine", headers=bearer(handler))

    assert received.status_code == 422
    assert received.json()["reason_code"] == "unsupported_schema_version"
    assert quarantine_id in {item["id"] for item in listed.json()["items"]}
    assert quarantine_id not in {item["id"] for item in elsewhere.json()["items"]}
    assert reprocessed.status_code == 200, reprocessed.text
    assert reprocessed.json()["outcome"] == "quarantined", "still version 2: kept, not lost"
    assert refused.status_code == 403


async def test_a_website_application_is_received_through_the_gateway(
    client: httpx.AsyncClient, services: Services
) -> None:
    body = website_body("0363")
    number = json.loads(body)["application"]["application_number"]

    received = await post_as_website(client, body)
    repeated = await post_as_website(client, body)
    unsigned = await client.post(
        "/api/v1/intake/applications",
        content=body,
        headers={"Content-Type": "application/json", "X-Signature": "sha256=" + "0" * 64},
    )

    assert received.status_code == 202, received.text
    assert received.json()["outcome"] == "accepted"
    assert received.json()["application_number"] == number
    assert repeated.json()["outcome"] == "duplicate"
    assert unsigned.status_code == 401, "intake checks the signature of the bytes it received"


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
    app = create_app(
        settings.model_copy(
            update={"cases_url": UNREACHABLE, "correspondence_url": settings.intake_url}
        )
    )
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client,
    ):
        response = await client.get("/api/v1/cases", headers=bearer(token))
        ready = await client.get("/health/ready")

    assert response.status_code == 503
    assert response.json() == {"detail": "De cases-service is niet bereikbaar; probeer het later"}
    assert ready.status_code == 200, "downstream reachability is reported, not required"
    assert ready.json()["info"] == {
        "downstream": {
            "cases": False,
            "intake": True,
            "documents": True,
            "assessment": True,
            "correspondence": True,
        }
    }


async def test_a_service_that_hangs_holds_readiness_up_only_for_the_probe_timeout(
    settings: GatewaySettings,
) -> None:
    with socket.socket() as hanging:  # connections wait in its backlog: never an answer
        hanging.bind(("127.0.0.1", 0))
        hanging.listen()
        app = create_app(
            settings.model_copy(
                update={
                    "documents_url": f"http://127.0.0.1:{hanging.getsockname()[1]}",
                    "downstream_timeout_seconds": 60.0,
                    "downstream_probe_timeout_seconds": 0.5,
                }
            )
        )
        async with (
            LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://gw"
            ) as client,
        ):
            started = time.monotonic()
            ready = await client.get("/health/ready")
            waited = time.monotonic() - started

    assert ready.status_code == 200
    assert ready.json()["info"]["downstream"]["documents"] is False
    assert waited < 30, "the probe's own timeout, not the 60 s of a forwarded request"


async def test_health_and_openapi(client: httpx.AsyncClient) -> None:
    live = await client.get("/health/live")
    ready = await client.get("/health/ready")
    schema = (await client.get("/openapi.json")).json()

    assert live.status_code == 200
    assert ready.status_code == 200
    assert ready.json()["checks"]["database"] is True
    assert ready.json()["info"]["downstream"] == {
        "cases": True,
        "intake": True,
        "documents": True,
        "assessment": True,
        "correspondence": False,  # these tests run none unless one puts it behind the gateway
    }
    assert schema["info"]["title"] == "Gemeentepolis backoffice API"
    public = {path: ops for path, ops in schema["paths"].items() if path.startswith("/api/v1")}
    # 9 + 6 handling + 3 reporting, 5 documents, 12 assessment, 16 correspondence, 1 licence,
    # 4 parked messages
    assert len(public) == 56
    assert all(op.get("summary") for ops in public.values() for op in ops.values())
