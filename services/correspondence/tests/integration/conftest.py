"""The real correspondence app against real PostgreSQL, RabbitMQ, an aiosmtpd server and
LibreOffice (unoserver), each test on a database of its own; LibreOffice and the SMTP server
are shared per module (starting LibreOffice costs seconds)."""

from __future__ import annotations

import asyncio
import socket
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from sqlalchemy import text

from contracts.organisations import MunicipalityRegistered
from correspondence.main import create_app
from correspondence.settings import CorrespondenceSettings
from demodata import office
from demodata.mailcatcher import MailCatcher
from servicekit.auth import TOKEN_HEADER, Principal, issue_token
from servicekit.bus import Bus
from servicekit.db import Database, drop_database
from servicekit.migrations import upgrade
from servicekit.testing import eventually, fresh_database

from .support import publish

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
SECRET = "integration-test-internal-token-secret-0123456789"
QUEUES = (
    "correspondence.events",
    "correspondence.tenants",
    "correspondence.letters",
    "correspondence.parking",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def unoserver_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """LibreOffice kept running for the whole session (one process, never one per letter)."""
    port, uno_port = free_port(), free_port()
    log = tmp_path_factory.mktemp("unoserver") / "unoserver.log"
    process = office.start(port, uno_port, log=log)
    try:
        office.wait_ready(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="module")
def smtp() -> Iterator[MailCatcher]:
    catcher = MailCatcher(port=free_port()).start()
    yield catcher
    catcher.stop()


@dataclass
class Correspondence:
    client: httpx.AsyncClient
    settings: CorrespondenceSettings
    bus: Bus
    database: Database
    app: Any
    smtp: MailCatcher

    def headers(self, principal: Principal) -> dict[str, str]:
        return {TOKEN_HEADER: issue_token(principal, secret=SECRET)}

    @property
    def clock(self) -> Any:
        return self.app.state.runtime.clock

    async def tick(self) -> None:
        await self.app.state.poller.tick()

    async def scalar(self, sql: str, **params: Any) -> Any:
        async with self.database.sessions() as session:
            return await session.scalar(text(sql), params)

    async def rows(self, sql: str, **params: Any) -> list[Any]:
        async with self.database.sessions() as session:
            return list((await session.execute(text(sql), params)).all())

    async def letters_with(
        self, case_id: Any, status: str, count: int = 1, seconds: float = 30
    ) -> list[Any]:
        async def ready() -> bool:
            found = await self.rows(
                "SELECT id FROM letters WHERE case_id = :c AND status = :s", c=case_id, s=status
            )
            return len(found) >= count

        await eventually(ready, seconds=seconds)
        return await self.rows(
            "SELECT id, kind, channel, status, last_error FROM letters WHERE case_id = :c AND status = :s",
            c=case_id,
            s=status,
        )


def settings_for(
    url: str, amqp_url: str, default_smtp_port: int, default_unoserver: str, **overrides: Any
) -> CorrespondenceSettings:
    values: dict[str, Any] = {
        "database_url": url,
        "amqp_url": amqp_url,
        "environment": "test",
        "internal_token_secret": SECRET,
        "smtp_port": overrides.pop("smtp_port", default_smtp_port),
        "consumer_prefetch": 20,
        "consumer_max_attempts": 3,
        "schedule_poll_seconds": 0.2,
        "unoserver_url": overrides.pop("unoserver_url", default_unoserver),
        "send_retry_base_seconds": 60,
        "send_max_attempts": 4,
    }
    values.update(overrides)
    return CorrespondenceSettings(**values)


@pytest.fixture
def correspondence_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    overrides: dict[str, Any] = getattr(request, "param", {})
    return overrides


@pytest.fixture
async def correspondence(
    postgres_server_url: str,
    amqp_url: str,
    smtp: MailCatcher,
    unoserver_url: str,
    correspondence_overrides: dict[str, Any],
) -> AsyncIterator[Correspondence]:
    url = await fresh_database(postgres_server_url, "test_correspondence")
    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    settings = settings_for(
        url, amqp_url, smtp.port, unoserver_url, **dict(correspondence_overrides)
    )
    app = create_app(settings)
    bus = Bus(amqp_url, service="correspondence-test-client")
    database = Database(url)
    smtp.clear()
    smtp.refuse, smtp.hook = None, None
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://correspondence", timeout=60
        ) as client:
            await bus.connect()
            await publish(
                bus,
                MunicipalityRegistered(code="0363", name="Gemeente Amsterdam"),
                MunicipalityRegistered(code="0599", name="Gemeente Rotterdam"),
            )
            item = Correspondence(client, settings, bus, database, app, smtp)
            await eventually(lambda: _known(item), seconds=15)
            yield item
            channel = await bus.connection.channel()
            for queue in QUEUES:
                await channel.queue_delete(queue)
            await bus.close()
    await database.dispose()
    await drop_database(url)


async def _known(item: Correspondence) -> bool:
    return bool(await item.scalar("SELECT count(*) = 2 FROM tenant_municipalities"))
