"""Public reporting routes: exports and the access log against the real cases service, and an
export that outlasts the ordinary proxy timeout (a scripted slow peer: no real service can be
made slow on demand)."""

from __future__ import annotations

import asyncio
import csv
import io
import random
import socket
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from fastapi.responses import JSONResponse, StreamingResponse

from gateway.main import create_app
from gateway.settings import GatewaySettings

from .conftest import MakeKey, bearer
from .services import Services

CHUNK = b"x" * 65_536
CHUNKS = 64


async def test_exports_hold_the_filtered_cases_of_the_organisation_only(
    client: httpx.AsyncClient, make_key: MakeKey, services: Services
) -> None:
    token = await make_key("isd-bollenstreek")
    name = "Çelik" + "".join(random.choices("bcdfghjklmnpqrstvwxz", k=6))
    received = await services.open_case("0534", last_name=name)
    await services.open_case("0534", last_name=name, status="awaiting_data")
    filters = {"municipality": "0534", "status": "received", "q": name}

    csv_export = await client.get("/api/v1/cases/export.csv", params=filters, headers=bearer(token))
    xlsx_export = await client.get(
        "/api/v1/cases/export.xlsx", params=filters, headers=bearer(token)
    )
    elsewhere = await client.get(
        "/api/v1/cases/export.csv", params={"municipality": "0363"}, headers=bearer(token)
    )
    refused = await client.get(
        "/api/v1/cases/export.csv", params={"status": "gone"}, headers=bearer(token)
    )

    rows = list(csv.DictReader(io.StringIO(csv_export.content.decode("utf-8-sig")), delimiter=";"))
    assert [row["aanvraagnummer"] for row in rows] == [received.application_number]
    assert xlsx_export.status_code == 200
    assert xlsx_export.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert xlsx_export.content.startswith(b"PK"), "a zip container"
    assert elsewhere.status_code == 404
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/json"


async def test_the_access_log_is_for_auditors(
    client: httpx.AsyncClient, make_key: MakeKey, services: Services
) -> None:
    case = await services.open_case("0363")
    viewer = await make_key("0363", "behandelaar")
    assert (await client.get(f"/api/v1/cases/{case.id}", headers=bearer(viewer))).status_code == 200
    for role in ("behandelaar", "raadpleger", "functioneel_beheerder"):
        response = await client.get("/api/v1/audit", headers=bearer(await make_key("0363", role)))
        assert response.status_code == 403, role
    auditor = await make_key("0363", "auditor")
    other_auditor = await make_key("0599", "auditor")

    response = await client.get(
        "/api/v1/audit", params={"case_id": str(case.id), "limit": "5"}, headers=bearer(auditor)
    )
    other = await client.get(
        "/api/v1/audit", params={"case_id": str(case.id)}, headers=bearer(other_auditor)
    )

    assert response.status_code == 200
    assert [entry["action"] for entry in response.json()["items"]] == ["case.viewed"]
    assert other.json()["items"] == [], "another municipality's auditor sees none of it"


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
            headers={"Content-Disposition": 'attachment; filename="cases.csv"'},
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
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as client,
    ):
        # The ordinary proxy gives up after `downstream_timeout_seconds` (1 s here) ...
        assert (await client.get("/api/v1/cases", headers=bearer(token))).status_code == 504
        # ... an export has a timeout of its own, and comes through whole.
        response = await client.get("/api/v1/cases/export.csv", headers=bearer(token))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="cases.csv"'
    assert len(response.content) == len(CHUNK) * CHUNKS
