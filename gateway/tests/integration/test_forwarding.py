"""What the gateway itself sends on, seen by the recording peer (see conftest): the caller in
the internal token and never the API key, the correlation id, query strings, and bodies byte
for byte, whole or streamed. What the services do with it is tested against the real services
in the other modules."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from contracts.gezondverzekerd import example_bodies

from .conftest import BOUNDARY, MakeKey, bearer, multipart

CASE_ID = "0f8e2a4c-9d6b-4c1e-8a53-2b7d9e4f1a60"


def echoed(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_caller_goes_in_the_token_and_the_api_key_stays_behind(
    recording_client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    token = await make_key("0363", "raadpleger")

    seen = echoed(
        await recording_client.get(
            "/api/v1/overview?municipality=0363",
            headers={**bearer(token), "X-Correlation-ID": "corr-123"},
        )
    )

    assert (seen["method"], seen["path"]) == ("GET", "/overview")
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


async def test_an_isd_is_sent_on_as_its_members(
    recording_client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    token = await make_key("isd-bollenstreek")

    seen = echoed(
        await recording_client.get("/api/v1/overview?isd=isd-bollenstreek", headers=bearer(token))
    )

    members = ["0534", "0553", "0575", "1525"]
    assert seen["query"] == [["municipality", code] for code in members]
    assert seen["principal"]["organisation"] == "isd-bollenstreek"
    assert seen["principal"]["municipalities"] == members


async def test_a_website_application_is_sent_on_byte_for_byte(
    recording_client: httpx.AsyncClient,
) -> None:
    body = example_bodies()["single"]
    signature = "sha256=" + hmac.new(b"shared-secret", body, hashlib.sha256).hexdigest()

    seen = echoed(
        await recording_client.post(
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
        "subject": "service:gateway",
        "organisation": "platform",
        "role": "system",
        "municipalities": [],
        "all_municipalities": True,
        "purpose": "intake",
    }, "the gateway hands it on as itself: only role system may submit applications"


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
async def test_handling_routes_are_sent_on_as_they_came(
    recording_client: httpx.AsyncClient,
    make_key: MakeKey,
    method: str,
    suffix: str,
    body: dict[str, Any] | None,
) -> None:
    token = await make_key("0363", "beslisser")

    seen = echoed(
        await recording_client.request(
            method,
            f"/api/v1/cases/{CASE_ID}/{suffix}?reason=klaar",
            json=body,
            headers=bearer(token),
        )
    )

    assert (seen["method"], seen["path"]) == (method, f"/cases/{CASE_ID}/{suffix}")
    assert seen["query"] == [["reason", "klaar"]]
    assert seen["principal"]["role"] == "beslisser"
    assert seen["principal"]["municipalities"] == ["0363"]
    if body is None:
        assert seen["body"] == ""
    else:
        assert json.loads(seen["body"]) == body
        assert seen["headers"]["content-type"] == "application/json"
    assert seen["headers"]["authorization"] is None


async def test_exports_and_the_access_log_are_sent_on_with_their_filters(
    recording_client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    token = await make_key("isd-bollenstreek")
    auditor = await make_key("isd-bollenstreek", "auditor")
    filters = {"municipality": "0534", "status": "received", "q": "Çelik"}

    for name in ("export.csv", "export.xlsx"):
        seen = echoed(
            await recording_client.get(
                f"/api/v1/cases/{name}", params=filters, headers=bearer(token)
            )
        )
        assert seen["path"] == f"/cases/{name}", "not taken for /cases/{case_id}"
        assert seen["query"] == [list(pair) for pair in filters.items()]
        assert seen["headers"]["authorization"] is None
    log = echoed(
        await recording_client.get(
            "/api/v1/audit", params={"case_id": CASE_ID, "limit": "5"}, headers=bearer(auditor)
        )
    )
    assert (log["path"], log["query"]) == ("/audit", [["case_id", CASE_ID], ["limit", "5"]])
    assert log["principal"]["role"] == "auditor"


async def test_an_upload_is_sent_on_unchanged_whole_or_streamed(
    recording_client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    token = await make_key("0363", role="behandelaar")
    content_type = f"multipart/form-data; boundary={BOUNDARY}"
    body = multipart(b"bsn;initials\r\n123456782;J.\r\n")
    parts = [multipart(b"a;b\r\n" * 1000)[i : i + 1000] for i in range(0, 5200, 1000)]

    async def stream() -> AsyncIterator[bytes]:
        for part in parts:
            yield part

    headers = {**bearer(token), "Content-Type": content_type}
    whole = echoed(
        await recording_client.post(
            "/api/v1/imports/re-examinations", content=body, headers=headers
        )
    )
    streamed = echoed(
        await recording_client.post(
            "/api/v1/imports/re-examinations", content=stream(), headers=headers
        )
    )

    assert (whole["method"], whole["path"]) == ("POST", "/imports/re-examinations")
    assert whole["body"].encode() == body
    assert whole["headers"]["content-type"] == content_type
    assert whole["principal"]["municipalities"] == ["0363"]
    assert streamed["body"].encode() == b"".join(parts)


async def test_a_slow_service_times_out(
    recording_client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    token = await make_key("0363")

    response = await recording_client.get("/api/v1/cases?slow=3", headers=bearer(token))

    assert response.status_code == 504
