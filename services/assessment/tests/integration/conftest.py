"""The real assessment app (lifespan, consumers, relay, workers) on a database of its own,
against real PostgreSQL and RabbitMQ, with the Ockto simulator served on a free port (the
adapter calls it over HTTP, as it calls Ockto), and a stand-in for the gateway's callback
route on another, so that the simulator's own deliveries reach the service as Ockto's do."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from asgi_lifespan import LifespanManager
from fastapi import FastAPI, Request, Response

from assessment.main import create_app
from assessment.settings import AssessmentSettings
from contracts.ockto import SIGNATURE_HEADER
from ockto_simulator.app import SimulatorSettings, State
from ockto_simulator.app import create_app as create_simulator
from servicekit.auth import TOKEN_HEADER, Principal, issue_token, system_principal
from servicekit.bus import Bus
from servicekit.db import Database, drop_database
from servicekit.migrations import upgrade
from servicekit.testing import fresh_database

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
SECRET = "integration-test-internal-token-secret-0123456789"
WEBHOOK_SECRET = "webhook-secret-for-the-tests"
OCKTO_KEY = "ockto-api-key-for-the-tests"
QUEUES = ("tenants", "organisations", "cases", "documents", "parking")


@dataclass
class Simulator:
    url: str
    app: FastAPI

    @property
    def state(self) -> State:
        found: State = self.app.state.simulator
        return found


@dataclass
class Assessment:
    client: httpx.AsyncClient
    app: FastAPI
    settings: AssessmentSettings
    database: Database
    bus: Bus
    simulator: Simulator

    def headers(self, principal: Principal) -> dict[str, str]:
        return {TOKEN_HEADER: issue_token(principal, secret=SECRET)}

    @property
    def ockto_headers(self) -> dict[str, str]:
        return self.headers(system_principal("ockto"))

    def clock_advance(self, seconds: float) -> None:
        from datetime import timedelta

        self.app.state.runtime.clock.advance(timedelta(seconds=seconds))


async def _serve(app: FastAPI) -> AsyncIterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, lifespan="off", access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the simulator did not start"
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
        sock.close()


@pytest.fixture(scope="session")
async def simulator() -> AsyncIterator[Simulator]:
    holder: dict[str, Any] = {}
    settings = SimulatorSettings(api_key=OCKTO_KEY, webhook_secret=WEBHOOK_SECRET, public_url="")
    app = create_simulator(settings)
    served = _serve(app)
    url = await served.__anext__()
    app.state.simulator.settings = SimulatorSettings(OCKTO_KEY, WEBHOOK_SECRET, url)
    holder["url"] = url
    yield Simulator(url=url, app=app)
    await served.aclose()


@dataclass
class CallbackStandIn:
    """The gateway's `/api/v1/ockto/deliveries`: the body byte for byte, with the signature
    header, to the test's assessment service as the system principal `ockto`."""

    url: str
    target: httpx.AsyncClient | None = None

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/ockto/deliveries")
        async def forward(request: Request) -> Response:
            assert self.target is not None, "no assessment service to pass the delivery on to"
            passed = {
                name: request.headers[name]
                for name in ("content-type", SIGNATURE_HEADER)
                if name in request.headers
            }
            answer = await self.target.post(
                "/ockto/deliveries",
                content=await request.body(),
                headers={
                    **passed,
                    TOKEN_HEADER: issue_token(system_principal("ockto"), secret=SECRET),
                },
            )
            return Response(
                answer.content,
                status_code=answer.status_code,
                media_type=answer.headers.get("content-type"),
            )

        return app


@pytest.fixture(scope="session")
async def callback_stand_in() -> AsyncIterator[CallbackStandIn]:
    stand_in = CallbackStandIn(url="")
    served = _serve(stand_in.app())
    stand_in.url = await served.__anext__()
    yield stand_in
    await served.aclose()


@pytest.fixture
def assessment_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    overrides: dict[str, Any] = getattr(request, "param", {})
    return overrides


@pytest.fixture
async def assessment(
    postgres_server_url: str,
    amqp_url: str,
    simulator: Simulator,
    callback_stand_in: CallbackStandIn,
    assessment_overrides: dict[str, Any],
) -> AsyncIterator[Assessment]:
    url = await fresh_database(postgres_server_url, "test_assessment")
    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    settings = AssessmentSettings(
        database_url=url,
        amqp_url=amqp_url,
        environment="test",
        internal_token_secret=SECRET,
        ockto_api_url=simulator.url,
        ockto_api_key=OCKTO_KEY,
        ockto_webhook_secret=WEBHOOK_SECRET,
        ockto_callback_url=f"{callback_stand_in.url}/ockto/deliveries",
        documents_url="http://127.0.0.1:9",
        consumer_prefetch=20,
        consumer_max_attempts=2,
        relay_poll_seconds=0.2,
        worker_poll_seconds=0.2,
        **assessment_overrides,
    )
    app = create_app(settings)
    bus = Bus(amqp_url, service="assessment-test-client")
    database = Database(url, pool_size=2)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://assessment") as client:
            await bus.connect()
            callback_stand_in.target = client
            yield Assessment(client, app, settings, database, bus, simulator)
            callback_stand_in.target = None
            channel = await bus.connection.channel()
            for queue in QUEUES:
                await channel.queue_delete(f"assessment.{queue}")
            await bus.close()
    await database.dispose()
    await drop_database(url)
