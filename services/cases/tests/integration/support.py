"""What the cases service's integration tests share: the app running on a migrated database of
its own, under a service name (so queues) of its own, internal tokens, and waiting for a
condition.

Imported relatively (`from .support import ...`); pytest runs with --import-mode=importlib.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from asgi_lifespan import LifespanManager

from cases.main import create_app
from cases.settings import CasesSettings
from contracts.household import Child
from servicekit.auth import TOKEN_HEADER, Principal, issue_token
from servicekit.bus import Bus, parking_queue_name
from servicekit.migrations import upgrade

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"
TOKEN_SECRET = "integration-test-internal-token-secret-0123456789"
AMSTERDAM = "0363"
ROTTERDAM = "0599"


def token_headers(principal: Principal) -> dict[str, str]:
    """The header that carries `principal` to the service, as the gateway sends it."""
    return {TOKEN_HEADER: issue_token(principal, secret=TOKEN_SECRET)}


def numbered_children(count: int) -> tuple[Child, ...]:
    """`count` children, Kind0, Kind1, ..., each with a BSN and a birthday of their own."""
    return tuple(
        Child(bsn=f"30000000{n}", first_name=f"Kind{n}", date_of_birth=date(2012, 6, n + 1))
        for n in range(count)
    )


def settings_for(database_url: str, amqp_url: str, **overrides: Any) -> CasesSettings:
    """Settings for a test: a service name of its own, so no message strays between tests."""
    return CasesSettings(
        service_name=f"cases{uuid.uuid4().hex[:8]}",
        database_url=database_url,
        amqp_url=amqp_url,
        environment="test",
        internal_token_secret=TOKEN_SECRET,
        relay_poll_seconds=0.2,
        **overrides,
    )


@asynccontextmanager
async def running(settings: CasesSettings) -> AsyncIterator[httpx.AsyncClient]:
    """Migrate the database, run the app with its lifespan and yield a client of it; delete the
    service's queues afterwards."""
    await asyncio.to_thread(upgrade, MIGRATIONS, settings.database_url)
    app = create_app(settings)
    try:
        async with (
            LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://cases"
            ) as client,
        ):
            yield client
    finally:
        await _delete_queues(settings.amqp_url, settings.service_name)


async def _delete_queues(amqp_url: str, service: str) -> None:
    bus = Bus(amqp_url, service=service)
    await bus.connect()
    channel = await bus.connection.channel()
    for purpose in ("applications", "re_examinations", "assessment", "documents", "correspondence"):
        await channel.queue_delete(f"{service}.{purpose}")
    await channel.queue_delete(parking_queue_name(service))
    await channel.close()
    await bus.close()
