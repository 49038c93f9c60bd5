from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from intake.main import create_app
from intake.settings import IntakeSettings
from servicekit.auth import TOKEN_HEADER, Principal, issue_token
from servicekit.bus import Bus
from servicekit.db import Database, drop_database
from servicekit.migrations import upgrade
from servicekit.testing import fresh_database

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
SECRET = "integration-test-internal-token-secret-0123456789"


@dataclass
class Intake:
    client: httpx.AsyncClient
    settings: IntakeSettings
    bus: Bus
    database: Database

    def headers(self, principal: Principal) -> dict[str, str]:
        return {TOKEN_HEADER: issue_token(principal, secret=SECRET)}


OPERATOR = Principal(
    subject="op-1", organisation="platform", role="operator", all_municipalities=True
)


@pytest.fixture
def intake_overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    """Extra IntakeSettings for one test: `@pytest.mark.parametrize(..., indirect=True)`."""
    overrides: dict[str, Any] = getattr(request, "param", {})
    return overrides


@pytest.fixture
async def intake(
    postgres_server_url: str, amqp_url: str, intake_overrides: dict[str, Any]
) -> AsyncIterator[Intake]:
    url = await fresh_database(postgres_server_url, "test_intake")
    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    settings = IntakeSettings(
        database_url=url,
        amqp_url=amqp_url,
        environment="test",
        internal_token_secret=SECRET,
        website_hmac_secret="website-secret-for-tests",
        consumer_prefetch=20,
        consumer_max_attempts=2,
        **intake_overrides,
    )
    app = create_app(settings)
    bus = Bus(amqp_url, service="intake-test-client")
    database = Database(url)
    async with LifespanManager(app, startup_timeout=60, shutdown_timeout=30):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://intake") as client:
            await bus.connect()
            yield Intake(client=client, settings=settings, bus=bus, database=database)
            # The queue names are fixed; leave the session's vhost as clean as we found it.
            channel = await bus.connection.channel()
            for queue in (
                "intake.website",
                "intake.organisations",
                "intake.tenants",
                "intake.parking",
            ):
                await channel.queue_delete(queue)
            await bus.close()
    await database.dispose()
    await drop_database(url)
