"""The reporting tests' app: the cases service on a migrated database of its own."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import aio_pika
import httpx
import pytest
from asgi_lifespan import LifespanManager

from cases.main import create_app
from cases.settings import CasesSettings
from servicekit.bus import parking_queue_name
from servicekit.db import Database
from servicekit.migrations import upgrade

from .support import BSN_SECRET, CURSOR_SECRET, TOKEN_SECRET, Reporting

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"


@pytest.fixture
async def reporting(scratch_database_url: str, amqp_url: str) -> AsyncIterator[Reporting]:
    await asyncio.to_thread(upgrade, MIGRATIONS, scratch_database_url)
    service = f"cases{uuid.uuid4().hex[:8]}"
    settings = CasesSettings(
        service_name=service,
        database_url=scratch_database_url,
        amqp_url=amqp_url,
        environment="test",
        internal_token_secret=TOKEN_SECRET,
        cursor_secret=CURSOR_SECRET,
        bsn_hash_secret=BSN_SECRET,
        relay_poll_seconds=0.5,
    )
    app = create_app(settings)
    database = Database(scratch_database_url, pool_size=2)
    try:
        async with (
            LifespanManager(app, startup_timeout=60, shutdown_timeout=30),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://cases"
            ) as client,
        ):
            yield Reporting(client=client, database=database)
    finally:
        await database.dispose()
        connection = await aio_pika.connect_robust(amqp_url)
        async with connection:
            channel = await connection.channel()
            for purpose in ("applications", "re_examinations"):
                await channel.queue_delete(f"{service}.{purpose}")
            await channel.queue_delete(parking_queue_name(service))
