"""The real documents app (lifespan, consumers, relay) on a migrated database of its own, with
moto_server as its S3 endpoint and RabbitMQ as its bus; cases arrive as `cases.case.*` events
published on that bus, the way the cases service publishes them.

Once per package: tests open cases of their own, so they do not depend on each other.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from demodata.objectstore import MotoServer
from documents.__main__ import MIGRATIONS
from servicekit.db import drop_database
from servicekit.migrations import upgrade
from servicekit.testing import fresh_database

from .support import Harness, running, settings_for


@pytest.fixture(scope="session")
def moto() -> Iterator[MotoServer]:
    with MotoServer() as server:
        yield server


@pytest.fixture(scope="session")
async def documents_database_url(postgres_server_url: str) -> AsyncIterator[str]:
    url = await fresh_database(postgres_server_url, "test_documents")
    await asyncio.to_thread(upgrade, MIGRATIONS, url)
    yield url
    await drop_database(url)


@pytest.fixture(scope="package")
async def harness(
    documents_database_url: str,
    amqp_url: str,
    moto: MotoServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Harness]:
    spool = tmp_path_factory.mktemp("spool")
    settings = settings_for(documents_database_url, amqp_url, moto.url, spool_dir=spool)
    async with running(settings) as started:
        yield started


@pytest.fixture
def spool(harness: Harness) -> Path:
    assert harness.settings.spool_dir is not None
    return harness.settings.spool_dir
