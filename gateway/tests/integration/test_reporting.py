"""Public reporting routes: exports streamed through from the cases service, the access log."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
import uvicorn
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from fastapi.responses import JSONResponse, StreamingResponse

from gateway.main import create_app
from gateway.settings import GatewaySettings

MakeKey = Callable[..., Awaitable[str]]
CHUNK = b"x" * 65_536
CHUNKS = 64


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_exports_are_forwarded_with_their_filters(
    client: httpx.AsyncClient, make_key: MakeKey
) -> None:
    token = await make_key("isd-bollenstreek")
    for name in ("export.csv", "export.xlsx"):
        response = await client.get(
            f"/api/v1/cases/{name}",
            params=[("municipality", "0534"), ("status", "received"), ("q", "Çelik")],
            headers=bearer(token),
        )
        assert response.status_code == 200, response.text
        echoed = response.json()
        assert echoed["path"] == f"/cases/{name}", "not taken for /cases/{case_id}"
        assert echoed["query"] == [["municipality", "0534"], ["status", "received"], ["q", "Çelik"]]
        assert echoed["principal"]["organisation"] == "isd-bollenstreek"
        assert echoed["headers"]["authorization"] is None, "the API key is not passed on"

    elsewhere = await client.get(
        "/api/v1/cases/export.csv", params={"municipality": "0363"}, headers=bearer(token)
    )
    assert elsewhere.status_code == 404
    refused = await client.get(
        "/api/v1/cases/export.csv", params={"echo_status": "422"}, headers=bearer(token)
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/json"


async def test_the_access_log_is_for_auditors(client: httpx.AsyncClient, make_key: MakeKey) -> None:
    for role in ("behandelaar", "raadpleger", "functioneel_beheerder"):
        response = await client.get("/api/v1/audit", headers=bearer(await make_key("0363", role)))
        assert response.status_code == 403, role
    auditor = await make_key("0363", "auditor")
    response = await client.get(
        "/api/v1/audit", params={"case_id": "x", "limit": "5"}, headers=bearer(auditor)
    )
    assert response.status_code == 200
    assert response.json()["path"] == "/audit"
    assert response.json()["query"] == [["case_id", "x"], ["limit", "5"]]
    assert response.json()["principal"]["role"] == "auditor"


def _slow_exporter() -> FastAPI:
    """A cases service whose export starts late (as an XLSX does) and then streams."""
    app = FastAPI()

    @app.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/cases/export.csv")
    async def export() -> StreamingResponse:
        async def body() -> AsyncIterator[bytes]:
            await asyncio.sleep(1.5)
            for _ in range(CHUNKS):
                yield CHUNK

        return StreamingResponse(
            body(),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="zaken.csv"'},
        )

    @app.get("/cases")
    async def slow_list() -> JSONResponse:
        await asyncio.sleep(1.5)
        return JSONResponse({"items": [], "next_cursor": None})

    return app


@pytest.fixture
async def slow_exporter_url() -> AsyncIterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        _slow_exporter(), log_config=None, lifespan="off", ws="none", access_log=False
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the exporter did not start"
        await asyncio.sleep(0.01)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    await task
    sock.close()


async def test_a_long_export_streams_past_the_ordinary_timeout(
    settings: GatewaySettings, make_key: MakeKey, slow_exporter_url: str
) -> None:
    token = await make_key("0363")
    app = create_app(settings.model_copy(update={"cases_url": slow_exporter_url}))
    async with (
        LifespanManager(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client,
    ):
        # The ordinary proxy gives up after `downstream_timeout_seconds` (1 s here) ...
        assert (await client.get("/api/v1/cases", headers=bearer(token))).status_code == 504
        # ... an export has a timeout of its own, and comes through whole.
        response = await client.get("/api/v1/cases/export.csv", headers=bearer(token))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="zaken.csv"'
    assert len(response.content) == len(CHUNK) * CHUNKS
