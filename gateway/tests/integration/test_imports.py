"""The re-examination import routes: the upload streamed through unchanged, limits, roles."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from gateway.main import create_app
from gateway.settings import GatewaySettings

MakeKey = Callable[..., Awaitable[str]]
IMPORT_ID = "0b0f4d4e-5b8a-4a47-9d53-3f6f2d6a9c11"
BOUNDARY = "formuliergrens"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def multipart(content: bytes) -> bytes:
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="municipality"\r\n\r\n0363\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="h.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def echoed(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_the_upload_is_passed_on_unchanged_with_its_content_type(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    token = await make_key("0363", role="behandelaar")
    body = multipart(b"bsn;initials\r\n123456782;J.\r\n")
    content_type = f"multipart/form-data; boundary={BOUNDARY}"

    seen = echoed(
        await client.post(
            "/api/v1/imports/re-examinations",
            content=body,
            headers={**bearer(token), "Content-Type": content_type},
        )
    )

    assert (seen["method"], seen["path"]) == ("POST", "/imports/re-examinations")
    assert seen["body"].encode() == body
    assert seen["headers"]["content-type"] == content_type
    assert seen["principal"]["municipalities"] == ["0363"]


async def test_a_streamed_upload_is_passed_on_as_it_arrives(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    token = await make_key("0363", role="functioneel_beheerder")
    parts = [multipart(b"a;b\r\n" * 1000)[i : i + 1000] for i in range(0, 5200, 1000)]

    async def stream() -> AsyncIterator[bytes]:
        for part in parts:
            yield part

    seen = echoed(
        await client.post(
            "/api/v1/imports/re-examinations",
            content=stream(),
            headers={**bearer(token), "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
    )
    assert seen["body"].encode() == b"".join(parts)


async def test_an_upload_over_the_import_limit_is_refused(
    settings: GatewaySettings, make_key: MakeKey
) -> None:
    token = await make_key("0363")
    app = create_app(settings.model_copy(update={"max_import_body_bytes": 4096}))
    big = multipart(b"x" * 5000)

    async def stream() -> AsyncIterator[bytes]:
        for i in range(0, len(big), 1024):
            yield big[i : i + 1024]

    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as http,
    ):
        headers = {**bearer(token), "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
        declared = await http.post("/api/v1/imports/re-examinations", content=big, headers=headers)
        streamed = await http.post(
            "/api/v1/imports/re-examinations", content=stream(), headers=headers
        )

    assert declared.status_code == 413
    assert streamed.status_code == 413
    assert "groter dan" in streamed.json()["detail"]


async def test_status_and_report_are_forwarded_for_import_roles_only(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    handler = await make_key("0363", role="beslisser")
    reader = await make_key("0363", role="raadpleger")

    status = echoed(
        await client.get(
            f"/api/v1/imports/{IMPORT_ID}",
            params={"outcome": "rejected", "limit": "50"},
            headers=bearer(handler),
        )
    )
    report = echoed(
        await client.get(f"/api/v1/imports/{IMPORT_ID}/report.csv", headers=bearer(handler))
    )
    refused = await client.get(f"/api/v1/imports/{IMPORT_ID}", headers=bearer(reader))
    not_an_id = await client.get("/api/v1/imports/..%2Fcases", headers=bearer(handler))

    assert (status["path"], status["query"]) == (
        f"/imports/{IMPORT_ID}",
        [["outcome", "rejected"], ["limit", "50"]],
    )
    assert report["path"] == f"/imports/{IMPORT_ID}/report.csv"
    assert refused.status_code == 403
    assert not_an_id.status_code in {404, 422}
