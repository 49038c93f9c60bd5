"""A TCP proxy between services and PostgreSQL / RabbitMQ adds latency, resets every
connection and cuts them for a while (a dead peer), as aio-pika's own connection-cut tests do:
the application path (intake, cases) loses nothing and duplicates nothing."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import httpx
import pytest

from demodata.system import FaultProxy, LocalSystem, target_of

from ..e2e_support import Readers, publish_as_website, time_to_recover
from .support import Stream

pytestmark = pytest.mark.e2e

BEHIND_PROXIES = ("intake", "cases")


@pytest.fixture
def proxies(system: LocalSystem) -> Iterator[tuple[FaultProxy, FaultProxy]]:
    """Intake and cases restarted with their database and broker behind fault proxies, and
    restarted directly afterwards, whatever happened: the other e2e tests share them."""
    database = FaultProxy(target_of(system.postgres_server_url)).start()
    broker = FaultProxy(target_of(system.amqp_url)).start()
    try:
        for service in BEHIND_PROXIES:
            system.stop(service)
            system.start(
                service,
                settings={
                    f"{service.upper()}_DATABASE_URL": database.url(system.database_url(service)),
                    "BACKOFFICE_AMQP_URL": broker.url(system.amqp_url),
                },
            )
        system.wait_ready(*BEHIND_PROXIES)
        yield database, broker
    finally:
        for service in BEHIND_PROXIES:
            if service in system.processes:
                system.stop(service)
            system.start(service)
        system.wait_ready(*BEHIND_PROXIES)
        database.stop()
        broker.stop()


async def test_latency_resets_and_an_outage_between_services_and_their_servers(
    system: LocalSystem,
    api: httpx.AsyncClient,
    readers: Readers,
    proxies: tuple[FaultProxy, FaultProxy],
) -> None:
    database, broker = proxies
    stream = Stream(system, "0268", "Nijmegen", seed=42, number_offset=7_200_000)
    await stream.open()
    database.latency = broker.latency = 0.005
    publishing = asyncio.create_task(publish_as_website(system.amqp_url, stream.applications(300)))
    await stream.reaches(api, 1)
    assert database.reset_all() > 0
    assert broker.reset_all() > 0
    await stream.reaches(api, 60, seconds=60)
    database.outage(True)
    broker.outage(True)
    await asyncio.sleep(2)  # the outage itself: two seconds without either server
    database.outage(False)
    broker.outage(False)
    await publishing
    fault_end = time.monotonic()
    await stream.assert_exactly_once(api, readers)
    await time_to_recover(system, fault_end)
