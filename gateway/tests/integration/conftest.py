"""The gateway's integration tests: a migrated gateway database and the real app, in front of
the real cases and intake services (`services.py`, once per package) or, where the test is
about what the gateway itself sends on, a recording HTTP peer.

The recording peer answers every request with what it received (method, path, query, body,
headers, the internal token decoded). Only `recording_client` uses it: for what no real service
shows (the API key never leaves the gateway, bodies passed on byte for byte and streamed, a
service too slow to answer). Everything else runs against the real services.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

import httpx
import pytest
import uvicorn
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from asgi_lifespan import LifespanManager
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from gateway import apikeys, organisations
from gateway.main import create_app
from gateway.settings import DEFAULT_SEED_FILE, MIGRATIONS, GatewaySettings
from gateway.staff import passwords
from servicekit.auth import TOKEN_HEADER, read_token
from servicekit.db import Database
from servicekit.migrations import upgrade
from servicekit.settings import DEVELOPMENT_SECRET

from .services import UNREACHABLE, Services, gateway_before, running_services

MakeKey = Callable[..., Awaitable[str]]


_CHEAPEST_ARGON2ID = PasswordHasher.from_parameters(CHEAPEST)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Still argon2id, at its cheapest cost: these tests sign in hundreds of times, and the real
    cost (about 0.1 s of CPU a hash, deliberately) took a sixth of their time. The unit tests
    check the real cost; the end-to-end tests' running system uses it."""
    monkeypatch.setattr(passwords, "_HASHER", _CHEAPEST_ARGON2ID)
    passwords._dummy_hash.cache_clear()  # made by whichever hasher was in use
    yield
    passwords._dummy_hash.cache_clear()


BOUNDARY = "formuliergrens"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def multipart(content: bytes) -> bytes:
    """A re-examination upload form for Amsterdam with `content` as its file."""
    return (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="municipality"\r\n\r\n0363\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="h.csv"\r\n'
            "Content-Type: text/csv\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


@pytest.fixture
async def gateway_database_url(scratch_database_url: str) -> str:
    await asyncio.to_thread(upgrade, MIGRATIONS, scratch_database_url)
    return scratch_database_url


@pytest.fixture
async def database(gateway_database_url: str) -> AsyncIterator[Database]:
    db = Database(gateway_database_url, pool_size=2)
    yield db
    await db.dispose()


@pytest.fixture
async def seeded(database: Database) -> Database:
    """The repository's seed organisations (Amsterdam, Rotterdam, ISD Bollenstreek, ...)."""
    async with database.transaction() as session:
        await organisations.seed(
            session, organisations.read_seed_file(DEFAULT_SEED_FILE), correlation_id="test"
        )
    return database


@pytest.fixture
def make_key(seeded: Database) -> MakeKey:
    async def make(organisation: str, role: str = "behandelaar") -> str:
        async with seeded.transaction() as session:
            new, _ = await apikeys.create_key(
                session, organisation_id=organisation, role=role, label="test"
            )
        return new.token

    return make


def _echo_app() -> FastAPI:
    """Answers every request with what it received, the internal token decoded."""
    app = FastAPI()

    @app.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok"}

    @app.api_route("/{path:path}", methods=["GET", "POST", "PUT", "DELETE"])
    async def echo(request: Request, path: str) -> JSONResponse:
        token = request.headers.get(TOKEN_HEADER)
        principal = read_token(token, secret=DEVELOPMENT_SECRET) if token else None
        body = await request.body()
        if "slow" in request.query_params:
            await asyncio.sleep(float(request.query_params["slow"]))
        return JSONResponse(
            {
                "method": request.method,
                "path": "/" + path,
                "query": request.query_params.multi_items(),
                "principal": principal.model_dump(mode="json") if principal else None,
                "body": body.decode(),
                "headers": {
                    name: request.headers.get(name)
                    for name in (
                        "content-type",
                        "x-signature",
                        "x-ockto-signature",
                        "x-correlation-id",
                        "authorization",
                    )
                },
            },
            status_code=int(request.query_params.get("echo_status", "200")),
        )

    return app


@pytest.fixture(scope="session")
async def echo_url() -> AsyncIterator[str]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        _echo_app(), log_config=None, lifespan="off", ws="none", access_log=False
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "the echo server did not start"
        await asyncio.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task
    sock.close()


@pytest.fixture
def settings(gateway_database_url: str, amqp_url: str, echo_url: str) -> GatewaySettings:
    return GatewaySettings(
        database_url=gateway_database_url,
        amqp_url=amqp_url,
        cases_url=echo_url,
        intake_url=echo_url,
        documents_url=echo_url,
        assessment_url=echo_url,
        correspondence_url=UNREACHABLE,  # none unless a test puts one behind (`UiApp.use`)
        relay_poll_seconds=0.2,
        downstream_timeout_seconds=1.0,
        # The peer runs in this test process: on a loaded CI machine (this suite is niced
        # beside the e2e tests) the process can wait seconds for a core, which a connect to
        # 127.0.0.1 or a readiness probe must not count as an unreachable service (a 503 once
        # in a CI run; another time every probe of one readiness check said unreachable).
        downstream_connect_timeout_seconds=15.0,
        downstream_probe_timeout_seconds=15.0,
    )


@pytest.fixture(scope="package")
async def services(postgres_server_url: str, amqp_url: str) -> AsyncIterator[Services]:
    async with running_services(postgres_server_url, amqp_url) as running:
        yield running


@pytest.fixture
async def client(
    settings: GatewaySettings, seeded: Database, services: Services
) -> AsyncIterator[httpx.AsyncClient]:
    """The real gateway app, its lifespan running, in front of the real cases and intake."""
    async with gateway_before(services, settings) as (_, http):
        yield http


@pytest.fixture
async def recording_client(
    settings: GatewaySettings, seeded: Database
) -> AsyncIterator[httpx.AsyncClient]:
    """The real gateway app in front of the recording peer (see the module's docstring)."""
    app = create_app(settings)
    async with (
        LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gw") as http,
    ):
        yield http
