"""The real documents app (lifespan, consumers, relay) on a migrated database of its own, with
moto_server as its S3 endpoint and RabbitMQ as its bus; cases arrive as `cases.case.*` events
published on that bus, the way the cases service publishes them.

Once per package: tests open cases of their own, so they do not depend on each other.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from demodata.objectstore import MotoServer
from documents.__main__ import MIGRATIONS
from documents.settings import DocumentsSettings
from servicekit.db import drop_database
from servicekit.migrations import upgrade
from servicekit.testing import fresh_database

from .support import Harness, running


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


def test_settings(
    database_url: str, amqp_url: str, s3_url: str, **overrides: object
) -> DocumentsSettings:
    suffix = uuid.uuid4().hex[:8]
    values: dict[str, object] = {
        "service_name": f"documents{suffix}",
        "database_url": database_url,
        "amqp_url": amqp_url,
        "environment": "test",
        "relay_poll_seconds": 0.2,
        "s3_endpoint": s3_url,
        "evidence_bucket": f"evidence-{suffix}",
        "letters_bucket": f"letters-{suffix}",
        "max_file_bytes": 6 * 1024 * 1024,
        "max_case_bytes": 40 * 1024 * 1024,
        "sweep_seconds": 3600.0,
        "public_base_url": "http://gateway.test",
    }
    values.update(overrides)
    return DocumentsSettings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="package")
async def harness(
    documents_database_url: str,
    amqp_url: str,
    moto: MotoServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Harness]:
    spool = tmp_path_factory.mktemp("spool")
    settings = test_settings(documents_database_url, amqp_url, moto.url, spool_dir=spool)
    async with running(settings) as started:
        yield started


@pytest.fixture
def spool(harness: Harness) -> Path:
    assert harness.settings.spool_dir is not None
    return harness.settings.spool_dir
