"""Website application → intake → cases → public API, on the real broker and databases."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid

import httpx
import pytest

from contracts.gezondverzekerd import example_bodies
from demodata import ApplicationFactory
from demodata.system import LocalSystem

from .e2e_support import Readers, all_cases, eventually, overview, publish_as_website, queue_depth

pytestmark = pytest.mark.e2e


async def test_contract_examples_become_cases_with_the_right_counts(
    system: LocalSystem, api: httpx.AsyncClient, readers: Readers
) -> None:
    examples = example_bodies()
    await publish_as_website(system.amqp_url, list(examples.values()))

    async def both_visible() -> bool:
        counts = await overview(api, municipality="0363")
        return (
            counts["total"]["applications"] == 1 and len(await all_cases(api, "0599", readers)) == 1
        )

    await eventually(both_visible)
    amsterdam = await overview(api, municipality="0363")
    assert amsterdam["total"] == {"applications": 1, "adults": 2, "persons": 4}
    received = next(c for c in amsterdam["categories"] if c["applications"])
    assert received == {
        "category": received["category"],
        "applications": 1,
        "adults": 2,
        "persons": 4,
    }
    assert (await overview(api, municipality="0599"))["total"] == {
        "applications": 1,
        "adults": 1,
        "persons": 1,
    }
    [case] = await all_cases(api, "0363", readers)
    assert (case["application_number"], case["kind"], case["adults"], case["persons"]) == (
        "GV-2026-0001234",
        "application",
        2,
        4,
    )
    refused = await api.get(f"/api/v1/cases/{case['id']}")
    assert refused.status_code == 403, "the operator reads no case file"
    detail = (
        await api.get(f"/api/v1/cases/{case['id']}", headers=await readers.headers("0363"))
    ).json()
    assert detail["household"]["partner"]["last_name"] == "El Amrani"
    assert [child["first_name"] for child in detail["household"]["children"]] == ["Noor", "Sami"]


async def test_duplicates_make_one_case_and_a_correction_marks_it(
    system: LocalSystem, api: httpx.AsyncClient, readers: Readers
) -> None:
    factory = ApplicationFactory(seed=11, number_offset=5_000_000)
    original = factory.application("0344", city="Utrecht")
    original["application"]["children"] = []
    original["application"]["partner"] = None
    body = json.dumps(original).encode()
    await publish_as_website(system.amqp_url, [body, body, body])

    async def one_case() -> bool:
        return (await overview(api, municipality="0344"))["total"]["applications"] == 1

    await eventually(one_case)
    correction = json.loads(body)
    correction["event_id"] = str(uuid.uuid4())
    correction["application"]["children"] = [
        {"bsn": "312966210", "first_name": "Noor", "date_of_birth": "2015-03-02"}
    ]
    await publish_as_website(system.amqp_url, [json.dumps(correction).encode()])

    async def corrected() -> bool:
        return (await overview(api, municipality="0344"))["total"]["persons"] == 2

    await eventually(corrected)
    [case] = await all_cases(api, "0344", readers)
    detail = (
        await api.get(f"/api/v1/cases/{case['id']}", headers=await readers.headers("0344"))
    ).json()
    assert detail["corrected"] is True
    assert [r["revision"] for r in detail["revisions"]] == [1, 2]
    assert (await overview(api, municipality="0344"))["total"] == {
        "applications": 1,
        "adults": 1,
        "persons": 2,
    }


async def test_bad_messages_are_quarantined_and_visible_through_the_api(
    system: LocalSystem, api: httpx.AsyncClient
) -> None:
    factory = ApplicationFactory(seed=12, number_offset=6_000_000)
    wrong_version = factory.application("0518") | {"schema_version": 2}
    bad_bsn = factory.application("0518")
    bad_bsn["application"]["applicant"]["bsn"] = "111222334"
    unknown = factory.application("0999")
    bodies = [
        b"{malformed",
        json.dumps(wrong_version).encode(),
        json.dumps(bad_bsn).encode(),
        json.dumps(unknown).encode(),
    ]
    await publish_as_website(system.amqp_url, bodies)

    async def quarantined() -> list[dict[str, str]]:
        response = await api.get("/api/v1/quarantine", params={"limit": "200"})
        assert response.status_code == 200, response.text
        return [
            item
            for item in response.json()["items"]
            if item["reason_code"]
            in {
                "malformed_json",
                "unsupported_schema_version",
                "invalid_bsn",
                "unknown_municipality",
            }
        ]

    async def all_four() -> bool:
        return len(await quarantined()) >= 4

    await eventually(all_four)
    reasons = {item["reason_code"]: item["reason"] for item in await quarantined()}
    assert reasons["malformed_json"].startswith("malformed JSON")
    assert (
        reasons["unsupported_schema_version"]
        == "unsupported schema_version 2: only version 1 is accepted"
    )
    assert reasons["invalid_bsn"] == "BSN of the applicant fails the eleven-test"
    assert (
        reasons["unknown_municipality"] == "municipality 0999 is not a customer of this backoffice"
    )
    assert await queue_depth(system.amqp_url, "intake.website") == 0
    assert await queue_depth(system.amqp_url, "intake.parking") == 0
    assert (await overview(api, municipality="0518"))["total"]["applications"] == 0

    # Once 0999 becomes a customer, the operator re-processes its application into a case.
    system.admin("org", "add-municipality", "0999", "Proefgemeente")
    system.wait_until_municipalities_known(("0999",))
    [item] = [i for i in await quarantined() if i["reason_code"] == "unknown_municipality"]
    result = await api.post(f"/api/v1/quarantine/{item['id']}/reprocess")
    assert result.status_code == 200, result.text
    assert result.json()["outcome"] == "accepted"

    async def case_opened() -> bool:
        return (await overview(api, municipality="0999"))["total"]["applications"] == 1

    await eventually(case_opened)


async def test_signed_http_intake_through_the_gateway(
    system: LocalSystem, api: httpx.AsyncClient
) -> None:
    body = ApplicationFactory(seed=13, number_offset=7_000_000).body("0014", city="Groningen")
    signature = (
        "sha256=" + hmac.new(system.website_secret.encode(), body, hashlib.sha256).hexdigest()
    )
    async with httpx.AsyncClient(base_url=system.url("gateway")) as website:
        refused = await website.post(
            "/api/v1/intake/applications", content=body, headers={"X-Signature": "sha256=00"}
        )
        assert refused.status_code == 401
        accepted = await website.post(
            "/api/v1/intake/applications",
            content=body,
            headers={"X-Signature": signature, "Content-Type": "application/json"},
        )
        assert accepted.status_code == 202, accepted.text

    async def visible() -> bool:
        return (await overview(api, municipality="0014"))["total"]["applications"] == 1

    await eventually(visible)


async def test_api_keys_are_scoped_to_their_organisation(system: LocalSystem) -> None:
    rotterdam = system.admin("api-key", "create", "--org", "0599", "--role", "raadpleger").strip()
    async with httpx.AsyncClient(base_url=system.url("gateway")) as client:
        assert (
            await client.get("/api/v1/overview", params={"municipality": "0599"})
        ).status_code == 401
        headers = {"Authorization": f"Bearer {rotterdam}"}
        own = await client.get("/api/v1/overview", params={"municipality": "0599"}, headers=headers)
        assert own.status_code == 200
        other = await client.get(
            "/api/v1/overview", params={"municipality": "0363"}, headers=headers
        )
        assert other.status_code == 404
        isd = await client.get(
            "/api/v1/overview", params={"isd": "isd-bollenstreek"}, headers=headers
        )
        assert isd.status_code == 404
        cases = await client.get("/api/v1/cases", params={"municipality": "0363"}, headers=headers)
        assert cases.status_code == 404
