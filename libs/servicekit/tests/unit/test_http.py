"""The shared readiness route: checks decide it, `readiness_info` is only reported."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request

from servicekit.http import create_service_app


class _Runtime:
    def __init__(self, checks: dict[str, bool]) -> None:
        self.checks = checks

    async def ready(self) -> dict[str, bool]:
        return self.checks


def _app(checks: dict[str, bool], **options: Any) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield

    app = create_service_app(title="t", description="d", lifespan=lifespan, **options)
    app.state.runtime = _Runtime(checks)
    return app


async def _ready(app: FastAPI) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        return await client.get("/health/ready")


async def peer_down(_: Request) -> dict[str, Any]:
    return {"peer": False}


@pytest.mark.parametrize(("database", "status"), [(True, 200), (False, 503)])
async def test_readiness_info_is_reported_but_does_not_decide(database: bool, status: int) -> None:
    response = await _ready(_app({"database": database}, readiness_info=peer_down))

    assert response.status_code == status
    assert response.json() == {
        "ready": database,
        "checks": {"database": database},
        "info": {"peer": False},
    }


async def test_without_readiness_info_the_answer_has_only_the_checks() -> None:
    response = await _ready(_app({"database": True}))

    assert response.json() == {"ready": True, "checks": {"database": True}}


class _ClockRuntime(_Runtime):
    def __init__(self, environment: str) -> None:
        super().__init__({})
        from types import SimpleNamespace

        from servicekit.clock import Clock

        self.settings = SimpleNamespace(environment=environment)
        self.clock = Clock()


@pytest.mark.parametrize(("environment", "status"), [("test", 200), ("production", 404)])
async def test_only_a_test_environment_lets_the_clock_be_moved(
    environment: str, status: int
) -> None:
    app = _app({})
    runtime = _ClockRuntime(environment)
    app.state.runtime = runtime
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.put("/testing/clock", json={"offset_seconds": 86400 * 15})

    assert response.status_code == status
    moved = runtime.clock.offset.total_seconds()
    assert moved == (86400 * 15 if status == 200 else 0)


async def test_a_wrong_method_is_405_with_every_method_of_the_path_in_allow() -> None:
    """Starlette names only the first route that matched the path; `Allow` must list all
    (RFC 9110), across routers, and OPTIONS is answered the same way."""
    app = _app({"database": True})
    holds = APIRouter()

    @holds.put("/cases/{case_id}/hold")
    async def put_hold(case_id: str) -> dict[str, str]:
        return {}

    @app.delete("/cases/{case_id}/hold")
    async def lift_hold(case_id: str) -> dict[str, str]:
        return {}

    app.include_router(holds)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        answers = [await client.request(method, "/cases/c-1/hold") for method in ("GET", "OPTIONS")]
        live = await client.post("/health/live")

    for answer in answers:
        assert answer.status_code == 405
        assert answer.headers["allow"] == "DELETE, PUT"
        assert answer.json() == {"detail": "Method Not Allowed"}
    assert live.headers["allow"] == "GET"
